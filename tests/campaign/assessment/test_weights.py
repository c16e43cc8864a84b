"""The weights of a year: admins set them (every component, ≥ 0, summing to 100), the draft is
scored with them, every change is audited; the defaults come from config."""

from __future__ import annotations

import pytest
from sqlalchemy import select

import config
from hotline.audit.models import AuditEntry
from hotline.campaign.assessment import registry, weights
from hotline.core.extensions import db
from tests.campaign.assessment.conftest import put, row_of
from tests.support.api import error_fields

PATH = "/api/v1/assessments/2026/weights"


def test_the_defaults_cover_every_registered_component_and_sum_to_100(app):
    with app.app_context():
        defaults = weights.defaults()
    assert set(defaults) == set(registry.keys())
    assert sum(defaults.values()) == 100
    assert config.Config().ASSESSMENT_WEIGHTS == {"hotline": 70, "interviews": 30}


def test_default_weights_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("ASSESSMENT_WEIGHTS", "hotline=60,interviews=40")
    monkeypatch.setenv("ASSESSMENT_PASS_SCORE", "65")

    cfg = config.load()

    assert cfg.ASSESSMENT_WEIGHTS == {"hotline": 60.0, "interviews": 40.0}
    assert cfg.ASSESSMENT_PASS_SCORE == 65.0


@pytest.mark.parametrize(
    ("key", "value"),
    [("ASSESSMENT_WEIGHTS", "hotline:60"), ("ASSESSMENT_PASS_SCORE", "101")],
)
def test_a_malformed_assessment_setting_fails_fast(monkeypatch, key, value):
    monkeypatch.setenv(key, value)
    with pytest.raises(config.ConfigError, match=key):
        config.load()


def test_an_admin_sets_the_weights_and_the_draft_uses_them(admin, inspector, year):
    response = put(admin, PATH, json={"weights": {"hotline": 50, "interviews": 50}})

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["weights"] == {"hotline": 50, "interviews": 50}
    assert response.get_json()["source"] == "year"
    body = inspector.get("/api/v1/assessments/2026").get_json()
    assert body["weights_source"] == "year"
    assert row_of(body, "A-UNIT")["total"] == 95.0  # 90 × 0.5 + 100 × 0.5
    # Another year keeps the defaults.
    assert inspector.get("/api/v1/assessments/2025/weights").get_json()["source"] == "default"


def test_every_change_of_weights_is_audited(admin, year):
    put(admin, PATH, json={"weights": {"hotline": 50, "interviews": 50}})
    put(admin, PATH, json={"weights": {"hotline": 80, "interviews": 20}})

    details = db.session.scalars(
        select(AuditEntry.detail)
        .where(AuditEntry.action == "assessment.weights")
        .order_by(AuditEntry.id)
    ).all()
    assert [d["weights"]["hotline"] for d in details] == [50, 80]
    assert details[1]["before"] == {"hotline": 50, "interviews": 50}


def test_inspectors_read_the_weights_but_only_admins_set_them(inspector, head_of_b, year):
    assert inspector.get(PATH).get_json()["weights"] == {"hotline": 70, "interviews": 30}
    body = {"weights": {"hotline": 50, "interviews": 50}}
    assert put(inspector, PATH, json=body).status_code == 403
    assert put(head_of_b, PATH, json=body).status_code == 403
    assert head_of_b.get(PATH).status_code == 403


@pytest.mark.parametrize(
    ("weights", "field"),
    [
        ({"hotline": 110, "interviews": -10}, "weights.interviews"),
        ({"hotline": 60, "interviews": 30}, "weights"),
        ({"hotline": 60, "interviews": 50}, "weights"),
        ({"hotline": 70}, "weights.interviews"),
        ({"hotline": 70, "interviews": 30, "bribes": 0}, "weights.bribes"),
        ({"hotline": "70", "interviews": 30}, "weights.hotline"),
        ({"hotline": True, "interviews": 30}, "weights.hotline"),
        ({"hotline": None, "interviews": 30}, "weights.hotline"),
        ([70, 30], "weights"),
        ("70/30", "weights"),
    ],
)
def test_bad_weights_are_422_naming_the_field(admin, year, weights, field):
    response = put(admin, PATH, json={"weights": weights})

    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert field in error["message"] or field == "weights", error
    fields = error_fields(response)
    name, _, key = field.partition(".")
    assert name in fields
    if key:
        assert key in fields[name]


def test_weights_that_are_not_finite_are_refused(admin, year):
    # Python's JSON reader takes NaN and Infinity; a weight never may be one.
    raw = '{"weights": {"hotline": NaN, "interviews": Infinity}}'

    response = put(admin, PATH, data=raw, content_type="application/json")

    assert response.status_code == 422
    assert set(error_fields(response)["weights"]) == {"hotline", "interviews"}


def test_a_body_without_weights_is_422(admin, year):
    response = put(admin, PATH, json={})

    assert response.status_code == 422
    assert "weights" in error_fields(response)


def test_weights_for_a_year_out_of_range_are_422(admin, year):
    response = put(admin, "/api/v1/assessments/1900/weights", json={"weights": {}})

    assert response.status_code == 422
    assert "year" in error_fields(response)
