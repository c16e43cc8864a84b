"""Body limits answer 413 before anything is parsed or stored (issue 14, item 1)."""

from __future__ import annotations

import io
import json

from sqlalchemy import func, select

from hotline.core.extensions import db
from hotline.tickets.models import Ticket


def test_an_anonymous_huge_json_to_the_token_endpoint_is_413_naming_the_limit(client, app):
    body = json.dumps({"username": "x", "password": "y" * (300 * 1024)})
    response = client.post("/api/v1/auth/token", data=body, content_type="application/json")
    assert response.status_code == 413
    error = response.get_json()["error"]
    assert "256 KiB" in error["message"]
    assert error["message"].startswith("body")


def test_an_oversized_public_form_post_is_413_and_creates_nothing(client):
    response = client.post(
        "/complaints/new",
        data={"description": "噪音" * 200_000, "phone": "13812345678"},
    )
    assert response.status_code == 413
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 0


def test_a_body_within_the_limit_is_still_taken(client):
    body = json.dumps({"username": "nobody", "password": "y" * 100})
    response = client.post("/api/v1/auth/token", data=body, content_type="application/json")
    assert response.status_code in (401, 422)  # judged on its content, not refused for its size


def test_uploads_get_their_own_larger_limit_only_where_they_are_taken(app, client):
    from hotline.core.web.body_limit import limit_for

    with app.test_request_context():
        assert limit_for("pages.reply") == app.config["UPLOAD_MAX_BYTES"]
        assert limit_for("complaints.new") == app.config["BODY_MAX_BYTES"]
        assert limit_for(None) == app.config["BODY_MAX_BYTES"]
    too_big = io.BytesIO(b"\0" * (app.config["UPLOAD_MAX_BYTES"] + 1))
    response = client.post(
        "/tickets/20260101-000001/reply",
        data={"text": "答复", "files": (too_big, "big.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
