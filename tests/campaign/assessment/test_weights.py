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
# A year's weights as an admin sends them: every registered component, summing to 100.
SET = {"hotline": 40, "negative_list": 10, "commitments": 5, "inspections": 5, "interviews": 40}


def weights_with(**changes: object) -> dict:
    """SET with some weights changed (None: left out)."""
    body = dict(SET) | changes
    return {key: value for key, value in body.items() if value is not None}


def test_the_defaults_cover_every_registered_component_and_sum_to_100(app):
    with app.app_context():
        defaults = weights.defaults()
    assert defaults == config.DEFAULT_ASSESSMENT_WEIGHTS
    assert list(defaults) == list(registry.keys())
    assert sum(defaults.values()) == 100
    # A component's own default (used when ASSESSMENT_WEIGHTS leaves it out) is the same number.
    own = {c.key: c.default_weight for c in registry.components()}
    assert own == config.DEFAULT_ASSESSMENT_WEIGHTS


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
    response = put(admin, PATH, json={"weights": SET})

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["weights"] == SET
    assert response.get_json()["source"] == "year"
    body = inspector.get("/api/v1/assessments/2026").get_json()
    assert (body["weights"], body["weights_source"]) == (SET, "year")
    # A has no campaign data: hotline 40 and interviews 40 share the total, 90 × ½ + 100 × ½.
    assert row_of(body, "A-UNIT")["total"] == 95.0
    # Another year keeps the defaults.
    assert inspector.get("/api/v1/assessments/2025/weights").get_json()["source"] == "default"


def test_every_change_of_weights_is_audited(admin, year):
    put(admin, PATH, json={"weights": SET})
    put(admin, PATH, json={"weights": weights_with(hotline=80, interviews=0)})

    details = db.session.scalars(
        select(AuditEntry.detail)
        .where(AuditEntry.action == "assessment.weights")
        .order_by(AuditEntry.id)
    ).all()
    assert [d["weights"]["hotline"] for d in details] == [40, 80]
    assert [d["before"] for d in details] == [None, SET]


def test_inspectors_read_the_weights_but_only_admins_set_them(inspector, head_of_b, year, app):
    read = inspector.get(PATH).get_json()
    assert (read["weights"], read["source"]) == (app.config["ASSESSMENT_WEIGHTS"], "default")
    assert [c["key"] for c in read["components"]] == list(registry.keys())
    body = {"weights": SET}
    assert put(inspector, PATH, json=body).status_code == 403
    assert put(head_of_b, PATH, json=body).status_code == 403
    assert head_of_b.get(PATH).status_code == 403


@pytest.mark.parametrize(
    ("weights", "field", "says"),
    [
        (weights_with(hotline=90, interviews=-10), "weights.interviews", "must not be negative"),
        (weights_with(hotline=30), "weights", "must sum to 100, got 90"),
        (weights_with(hotline=50), "weights", "must sum to 100, got 110"),
        (weights_with(inspections=None), "weights.inspections", "required"),
        (weights_with(bribes=0), "weights.bribes", "unknown component"),
        (weights_with(hotline="40"), "weights.hotline", "must be a number"),
        (weights_with(commitments=True), "weights.commitments", "must be a number"),
        (weights_with(negative_list=[10]), "weights.negative_list", "must be a number"),
        # Not an object at all: the request schema refuses it before the weights are read.
        ([40, 10, 5, 5, 40], "weights", None),
        ("40/10/5/5/40", "weights", None),
    ],
)
def test_bad_weights_are_422_naming_the_field(admin, year, weights, field, says):
    response = put(admin, PATH, json={"weights": weights})

    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert (f"{field} {says}" if says else field) in error["message"], error
    fields = error_fields(response)
    name, _, key = field.partition(".")
    assert name in fields
    if key:
        assert key in fields[name]


def test_weights_that_are_not_finite_are_refused(admin, year):
    # Python's JSON reader takes NaN and Infinity; a weight never may be one.
    raw = (
        '{"weights": {"hotline": NaN, "negative_list": 10, "commitments": 5, "inspections": 5,'
        ' "interviews": Infinity}}'
    )

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
