"""PostgreSQL (or the SQLite file) unreachable: 503 + Retry-After in the JSON error shape, no
traceback, and service resumes by itself once the database is back."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from hotline.core.extensions import db
from hotline.tickets.models import Ticket
from tests.conftest import ROOT
from tests.faults.helpers import private_app
from tests.faults.tcpproxy import TcpProxy

pytestmark = pytest.mark.committed


class Outage:
    """A private app whose database can be taken away and given back."""

    def __init__(self, app: Flask, cut, restore) -> None:
        self.app, self.cut, self.restore = app, cut, restore


def _probe_route(app: Flask) -> None:
    # A plain ORM read through the normal request path, independent of any one domain's views.
    @app.get("/_faults/db")
    def _db_probe():
        return {"tickets": db.session.scalar(sa.select(sa.func.count()).select_from(Ticket))}


@pytest.fixture
def outage(app: Flask, database_url: str, tmp_path: Path) -> Iterator[Outage]:
    if database_url.startswith("postgresql"):
        url = sa.engine.make_url(database_url)
        with TcpProxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
            proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(
                hide_password=False
            )
            faulty = private_app(
                app,
                SQLALCHEMY_DATABASE_URI=proxied,
                SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 2}},
                # The cut and the restore take no time here; in life a restart leaves the
                # connections idle for seconds, past the (default 1 s) idle-ping threshold.
                DB_IDLE_PING_SECONDS=0,
            )
            _probe_route(faulty)
            yield Outage(faulty, proxy.cut, proxy.restore)
            with faulty.app_context():
                db.engine.dispose()
        return
    # SQLite: the database file lives in a directory that disappears and comes back.
    folder = tmp_path / "dbdir"
    folder.mkdir()
    faulty = private_app(app, SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'hotline.db'}")
    _probe_route(faulty)
    with faulty.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="head")
        db.engine.dispose()

    def cut() -> None:
        with faulty.app_context():
            db.engine.dispose()
        shutil.move(folder, tmp_path / "gone")

    def restore() -> None:
        shutil.move(tmp_path / "gone", folder)

    yield Outage(faulty, cut, restore)
    with faulty.app_context():
        db.engine.dispose()


def _assert_unavailable(response) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    body = response.get_json()
    assert body["error"]["code"] == "unavailable"
    assert set(body["error"]) >= {"code", "message", "fields"}
    assert "Traceback" not in response.get_data(as_text=True)


def test_requests_answer_503_with_retry_after_while_the_database_is_down(outage: Outage) -> None:
    client = outage.app.test_client()
    assert client.get("/_faults/db").status_code == 200
    outage.cut()
    try:
        _assert_unavailable(client.get("/_faults/db", headers={"Accept": "application/json"}))
        page = client.get("/_faults/db", headers={"Accept": "text/html"})
        assert page.status_code == 503
        assert page.headers["Retry-After"]
        assert "Traceback" not in page.get_data(as_text=True)
        _assert_unavailable(
            client.post("/api/v1/auth/token", json={"username": "x", "password": "y"})
        )
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert ready.get_json()["checks"]["database"]["ok"] is False
    finally:
        outage.restore()


def test_service_resumes_by_itself_when_the_database_returns(outage: Outage) -> None:
    client = outage.app.test_client()
    assert client.get("/_faults/db").status_code == 200
    outage.cut()
    outage.restore()
    # The pool held connections to the old server; the first request after must not fail.
    response = client.get("/_faults/db")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert client.post(
        "/api/v1/auth/token", json={"username": "nobody", "password": "wrong"}
    ).status_code in (401, 422)


def test_a_broken_query_is_still_a_500_not_a_503(app: Flask) -> None:
    """Only outages become 503; a programming error must stay visible as a server error."""
    broken = private_app(app, PROPAGATE_EXCEPTIONS=False)

    @broken.get("/_faults/bad-sql")
    def _bad_sql():
        db.session.execute(sa.text("SELECT no_such_column FROM tickets"))
        return {}

    with broken.app_context():
        response = broken.test_client().get("/_faults/bad-sql")
        db.engine.dispose()
    assert response.status_code == 500
