"""GET /api/v1/assessments/{year}: the totals, a breakdown that explains every point, the
ranking with the small units apart, and who may read which rows."""

from __future__ import annotations

import pytest

from hotline.campaign.assessment import registry
from tests.campaign.assessment.conftest import WEIGHTS, part_of, row_of
from tests.factories import UserFactory
from tests.support.api import caller, error_fields


def test_inspector_reads_the_draft_with_every_point_explained(inspector, year):
    response = inspector.get("/api/v1/assessments/2026")

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["final"], body["version"], body["latest_version"]) == (False, None, None)
    # No weights set for the year: ASSESSMENT_WEIGHTS, every registered component named.
    assert body["weights"] == WEIGHTS
    assert body["weights_source"] == "default"
    assert [c["key"] for c in body["components"]] == list(registry.keys())
    assert (body["pass_score"], body["ranking_min_tickets"], body["ranked"]) == (60, 10, 4)
    a = row_of(body, "A-UNIT")
    assert (a["total"], a["rank"], a["passed"], a["last"]) == (93.0, 1, True, False)
    # A has no campaign data: the hotline's 42 and the interviews' 18 share the total, 70 : 30.
    hotline = part_of(a, "hotline")
    assert (hotline["score"], hotline["weight"], hotline["share"], hotline["points"]) == (
        90.0,
        42,
        70,
        63.0,
    )
    assert hotline["figures"]["dispatched"] == 20  # 2025 and 2027 days left out
    assert "年内派单20件" in hotline["explanation"]
    assert "响应率90.0×30" in hotline["explanation"]
    assert "20 tickets dispatched" in hotline["explanation_en"]
    interviews = part_of(a, "interviews")
    assert (interviews["score"], interviews["points"]) == (100.0, 30.0)
    for key, nothing in (
        ("negative_list", "年内无到期里程碑，不计分"),
        ("commitments", "年内无已见分晓的承诺，不计分"),
        ("inspections", "年内无到期问题，不计分"),
    ):
        part = part_of(a, key)
        assert (part["score"], part["counted"], part["share"], part["points"]) == (
            None,
            False,
            0.0,
            None,
        )
        assert part["weight"] == WEIGHTS[key]
        assert part["explanation"] == nothing
    for row in body["items"]:
        points = [p["points"] for p in row["parts"] if p["counted"]]
        assert round(sum(points), 2) == row["total"], row["unit"]


def test_the_ranking_lists_units_under_the_minimum_volume_apart(inspector, year):
    body = inspector.get("/api/v1/assessments/2026").get_json()

    assert [(r["unit"]["code"], r["rank"]) for r in body["items"]] == [
        ("A-UNIT", 1),
        ("C-UNIT", 2),
        ("B-UNIT", 3),
        ("E-UNIT", 4),
        ("D-UNIT", None),
    ]
    d = row_of(body, "D-UNIT")
    assert d["eligible"] is False
    hotline = part_of(d, "hotline")
    # Three perfect tickets say little: shown, not counted; the total rests on the rest.
    assert (hotline["score"], hotline["counted"], hotline["apart"]) == (100.0, False, True)
    assert "样本不足" in hotline["explanation"]
    assert d["total"] == 100.0
    assert part_of(d, "interviews")["share"] == 100.0


def test_who_falls_short_is_flagged_with_the_interview_reason(inspector, year):
    body = inspector.get("/api/v1/assessments/2026").get_json()

    e = row_of(body, "E-UNIT")
    assert (e["total"], e["passed"], e["last"]) == (44.0, False, True)
    assert "总分44.00，低于合格线60分" in e["interview"]["reason"]
    assert "排名末位（第4名" in e["interview"]["reason"]
    assert row_of(body, "B-UNIT")["interview"] is None  # 65: passes, not last


def test_the_pass_score_is_configurable(inspector, year, app, monkeypatch):
    monkeypatch.setitem(app.config, "ASSESSMENT_PASS_SCORE", 70.0)

    body = inspector.get("/api/v1/assessments/2026").get_json()

    b = row_of(body, "B-UNIT")
    assert (b["passed"], b["last"]) == (False, False)
    assert "低于合格线70分" in b["interview"]["reason"]


def test_the_hotline_part_is_the_figures_score_of_the_year(inspector, year):
    figures = inspector.get("/api/v1/metrics?from=2026-01-01&to=2026-12-31").get_json()
    body = inspector.get("/api/v1/assessments/2026").get_json()

    for item in figures["items"]:
        row = row_of(body, item["unit"]["code"])
        assert part_of(row, "hotline")["score"] == item["score"]


def test_admins_read_every_unit(admin, year):
    body = admin.get("/api/v1/assessments/2026").get_json()

    assert len(body["items"]) == 5


def test_a_unit_head_sees_only_its_own_row(head_of_b, year):
    response = head_of_b.get("/api/v1/assessments/2026")

    assert response.status_code == 200
    body = response.get_json()
    assert [r["unit"]["code"] for r in body["items"]] == ["B-UNIT"]
    assert body["items"][0]["rank"] == 3
    assert body["ranked"] == 4


@pytest.mark.parametrize("role", ["unit_agent", "operator", "supervisor"])
def test_other_roles_may_not_read_it(client, year, role):
    who = caller(client, UserFactory(role=role, unit=year.b if role == "unit_agent" else None))

    response = who.get("/api/v1/assessments/2026")

    assert response.status_code == 403


def test_no_token_no_assessment(client, year):
    assert client.get("/api/v1/assessments/2026").status_code == 401


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/assessments/1999", "year"),
        ("/api/v1/assessments/2100", "year"),
        ("/api/v1/assessments/99999999999999999999", "year"),
        ("/api/v1/assessments/2028", "year"),  # not begun: the clock stands in 2027
        ("/api/v1/assessments/2026?version=0", "version"),
        ("/api/v1/assessments/2026?version=abc", "version"),
        ("/api/v1/assessments/2026?draft=perhaps", "draft"),
    ],
)
def test_bad_years_and_arguments_are_422_naming_the_field(inspector, year, path, field):
    response = inspector.get(path)

    assert response.status_code == 422, response.get_json()
    assert field in error_fields(response)


def test_a_year_that_is_not_a_number_is_not_found(inspector, year):
    assert inspector.get("/api/v1/assessments/twenty").status_code == 404
    assert inspector.get("/api/v1/assessments/-2026").status_code == 404


def test_a_version_that_does_not_exist_is_not_found(inspector, year):
    response = inspector.get("/api/v1/assessments/2026?version=3")

    assert response.status_code == 404
    assert "no version 3" in response.get_json()["error"]["message"]


def test_openapi_documents_the_assessment_paths(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]

    assert "get" in paths["/api/v1/assessments/{year}"]
    assert "get" in paths["/api/v1/assessments/{year}/versions"]
    assert "post" in paths["/api/v1/assessments/{year}/finalise"]
    assert {"get", "put"} <= set(paths["/api/v1/assessments/{year}/weights"])
