"""The components: the hotline figures, the interviews and the three campaign items registered
in registry.COMPONENTS, each shown in the API, the weights and the totals."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from hotline.campaign.assessment import registry
from hotline.campaign.assessment.components import campaign, hotline_figures, interviews
from hotline.core.extensions import db
from tests.campaign.assessment.conftest import (
    interview_case,
    overdue_rectification,
    part_of,
    put,
    row_of,
)
from tests.factories import UnitFactory


def test_interview_cases_opened_in_the_year_cost_10_points_each(session, year):
    interview_case(year.b, "2026-01-01T00:30:00+08:00")  # 31 Dec UTC, 1 Jan local: counts
    interview_case(year.b, "2026-06-01T10:00:00+08:00")
    interview_case(year.b, "2025-12-31T23:30:00+08:00")  # last year
    interview_case(year.b, "2027-01-01T00:10:00+08:00")  # next year
    # Not causes of their own: an assessment's case, an overdue commitment's follow-up.
    interview_case(year.b, "2026-03-01T10:00:00+08:00", trigger="assessment")
    interview_case(year.b, "2026-03-02T10:00:00+08:00", trigger="commitment_overdue")

    part = interviews.score([year.b.id], 2026)[year.b.id]

    assert part.score == 80.0
    assert part.figures["cases_opened"] == 2
    assert "年内启动约谈2起" in part.explanation
    assert "每起扣10分" in part.explanation
    assert "100－20－0 = 80.00" in part.explanation


def test_a_rectification_overdue_in_the_year_costs_20_points(session, year):
    case = interview_case(year.c, "2025-11-01T10:00:00+08:00", status="held")
    overdue_rectification(case, "2026-02-01T10:00:00+08:00")
    db.session.flush()

    part = interviews.score([year.c.id], 2026)[year.c.id]

    assert (part.score, part.figures["rectification_overdue"]) == (80.0, 1)
    assert part.figures["overdue_cases"] == [case.id]
    assert "整改承诺逾期1起，每起扣20分" in part.explanation


def test_the_interview_score_never_goes_below_zero(session, year):
    for month in range(1, 12):
        interview_case(year.e, f"2026-{month:02d}-03T10:00:00+08:00")

    part = interviews.score([year.e.id], 2026)[year.e.id]

    assert part.score == 0.0
    assert "最低0分" in part.explanation


def test_a_unit_without_tickets_has_no_hotline_score_and_is_apart(session, year):
    quiet = UnitFactory(code="Q-UNIT")

    part = hotline_figures.score([quiet.id], 2026)[quiet.id]

    assert (part.score, part.apart, part.counted) == (None, True, False)
    assert part.figures["dispatched"] == 0


def test_with_no_minimum_volume_every_unit_with_figures_is_ranked(
    inspector, year, app, monkeypatch
):
    monkeypatch.setitem(app.config, "RANKING_MIN_TICKETS", 0)

    body = inspector.get("/api/v1/assessments/2026").get_json()

    d = row_of(body, "D-UNIT")
    assert (d["eligible"], d["rank"], d["total"]) == (True, 1, 100.0)


@pytest.fixture
def campaign_figures(monkeypatch, year) -> list[tuple[str, list[int], int]]:
    """The three registered campaign items fed known figures of A and E (their packages test
    their own stats functions; here: how figures become parts). Returns the calls made."""
    milestones = {year.a.id: (10, 9), year.e.id: (4, 1)}
    commitments = {year.a.id: (5, 4, 1), year.e.id: (6, 2, 2)}
    findings = {year.e.id: (3, 0, 3)}
    calls: list[tuple[str, list[int], int]] = []

    def known(name: str, figures: dict) -> Callable:
        def by_unit(unit_ids, in_year):
            calls.append((name, sorted(unit_ids), in_year))
            return {u: figures[u] for u in unit_ids if u in figures}  # the others: none

        return by_unit

    fed = {
        "negative_list": campaign.negative_list(known("milestones", milestones)),
        "commitments": campaign.commitments(known("commitments", commitments)),
        "inspections": campaign.inspections(known("findings", findings)),
    }
    monkeypatch.setattr(
        registry, "COMPONENTS", tuple(fed.get(c.key, c) for c in registry.COMPONENTS)
    )
    return calls


def test_the_campaign_items_are_registered_between_the_hotline_and_the_interviews(inspector, year):
    body = inspector.get("/api/v1/assessments/2026").get_json()

    assert [c["key"] for c in body["components"]] == [
        "hotline",
        "negative_list",
        "commitments",
        "inspections",
        "interviews",
    ]
    assert [c["label"] for c in body["components"]][1:4] == [
        "负面清单里程碑按期完成",
        "公开承诺兑现",
        "明察暗访问题按期整改",
    ]


def test_registered_campaign_items_score_and_explain_their_share(inspector, campaign_figures):
    body = inspector.get("/api/v1/assessments/2026").get_json()

    a = row_of(body, "A-UNIT")
    assert part_of(a, "negative_list")["score"] == 90.0
    assert part_of(a, "commitments")["score"] == 80.0  # 4 kept of 5 judged (4 + 1)
    assert part_of(a, "inspections")["score"] is None  # no finding: not scored
    e = row_of(body, "E-UNIT")
    assert part_of(e, "commitments")["explanation"].startswith("已见分晓的承诺4项，兑现2项")
    assert part_of(e, "inspections")["score"] == 0.0  # 0 of 3 findings rectified on time
    # A: hotline 90 × 42, lists 90 × 20, commitments 80 × 12 and interviews 100 × 18, each over
    # the 92 counted (its inspections' 8 shared out in proportion).
    assert part_of(a, "negative_list")["share"] == round(100 * 20 / 92, 2)
    assert [p["points"] for p in a["parts"]] == [41.09, 19.57, 10.43, None, 19.57]
    assert a["total"] == 90.66
    for row in body["items"]:
        points = [p["points"] for p in row["parts"] if p["counted"]]
        assert round(sum(points), 2) == row["total"]


def test_each_campaign_item_reads_every_unit_in_one_call(inspector, campaign_figures, year):
    inspector.get("/api/v1/assessments/2026")

    every = sorted(u.id for u in (year.a, year.b, year.c, year.d, year.e))
    assert campaign_figures == [
        ("milestones", every, 2026),
        ("commitments", every, 2026),
        ("findings", every, 2026),
    ]


def test_registered_items_without_configured_weights_take_their_defaults_in_proportion(
    inspector, campaign_figures, app, monkeypatch
):
    # ASSESSMENT_WEIGHTS set before the campaign items were registered: they take their own.
    monkeypatch.setitem(app.config, "ASSESSMENT_WEIGHTS", {"hotline": 70.0, "interviews": 30.0})

    body = inspector.get("/api/v1/assessments/2026").get_json()

    assert body["weights"] == {
        "hotline": 70,
        "negative_list": 10,
        "commitments": 10,
        "inspections": 10,
        "interviews": 30,
    }
    a = row_of(body, "A-UNIT")
    # A has no finding: hotline 70, lists 10, commitments 10, interviews 30 share 120.
    assert part_of(a, "hotline")["share"] == round(100 * 70 / 120, 2)


def test_the_weights_of_a_year_must_name_the_registered_items(admin, year):
    path = "/api/v1/assessments/2026/weights"

    refused = put(admin, path, json={"weights": {"hotline": 70, "interviews": 30}})
    accepted = put(
        admin,
        path,
        json={
            "weights": {
                "hotline": 40,
                "negative_list": 15,
                "commitments": 15,
                "inspections": 15,
                "interviews": 15,
            }
        },
    )

    assert refused.status_code == 422
    assert set(refused.get_json()["error"]["fields"]["weights"]) == {
        "negative_list",
        "commitments",
        "inspections",
    }
    assert accepted.status_code == 200, accepted.get_json()
