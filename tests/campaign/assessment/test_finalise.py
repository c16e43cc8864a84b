"""POST /api/v1/assessments/{year}/finalise: a frozen, versioned result; who falls short is
called to an interview once; the credit record notes every unit's result."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from hotline.campaign.assessment import finalise
from hotline.core.actor import Actor
from hotline.core.errors import Conflict
from hotline.core.extensions import db
from hotline.escalations.models import CreditRecord, InterviewCase, InterviewReason
from tests.campaign.assessment.conftest import day_figures, interview_case, row_of
from tests.factories import UserFactory
from tests.support.api import caller, error_fields

FINALISE = "/api/v1/assessments/2026/finalise"


def cases_of(unit) -> list[InterviewCase]:
    return list(
        db.session.scalars(
            select(InterviewCase).where(InterviewCase.unit_id == unit.id).order_by(InterviewCase.id)
        )
    )


def test_finalising_freezes_the_year(inspector, year):
    response = inspector.post(FINALISE, json={"reason": "2026年度考核结果经督查室会议审定"})

    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["final"], body["version"], body["latest_version"]) == (True, 1, 1)
    assert body["finalised_by"]["username"] == inspector.user.username
    assert body["finalised_at"].startswith("2027-01-05T10:00:00+08:00")
    assert body["reason"] == "2026年度考核结果经督查室会议审定"
    # Figures that arrive later (a late roll-up, an upheld appeal) do not move a final year…
    day_figures(year.e, date(2026, 12, 30), 1.0, dispatched=200)
    db.session.commit()
    again = inspector.get("/api/v1/assessments/2026").get_json()
    assert (again["final"], row_of(again, "E-UNIT")["total"]) == (True, 44.0)
    # …but the draft shows what finalising again would store.
    draft = inspector.get("/api/v1/assessments/2026?draft=1").get_json()
    assert draft["final"] is False
    assert row_of(draft, "E-UNIT")["total"] > 80


def test_finalising_again_makes_version_2_with_who_when_and_why(inspector, client, year, clock):
    inspector.post(FINALISE, json={})
    day_figures(year.e, date(2026, 12, 30), 1.0, dispatched=200)
    db.session.commit()
    other = caller(client, UserFactory(role="inspector", display_name="李督查"))
    clock.set("2027-01-20T09:00:00+08:00")

    refused = other.post(FINALISE, json={})
    assert refused.status_code == 422
    assert "reason" in error_fields(refused)
    response = other.post(FINALISE, json={"reason": "戊局12月工单补录，重新定稿"})

    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["version"], body["reason"]) == (2, "戊局12月工单补录，重新定稿")
    assert body["finalised_by"]["display_name"] == "李督查"
    assert row_of(body, "E-UNIT")["total"] > 80
    versions = inspector.get("/api/v1/assessments/2026/versions").get_json()["items"]
    assert [(v["version"], v["reason"]) for v in versions] == [
        (2, "戊局12月工单补录，重新定稿"),
        (1, None),
    ]
    assert versions[1]["finalised_at"].startswith("2027-01-05T10:00")
    first = inspector.get("/api/v1/assessments/2026?version=1").get_json()
    assert (first["version"], row_of(first, "E-UNIT")["total"]) == (1, 44.0)


def test_the_unit_that_falls_short_gets_one_interview_case_per_year(inspector, year, clock):
    body = inspector.post(FINALISE, json={}).get_json()

    [case] = cases_of(year.e)
    assert (case.trigger, case.trigger_key) == ("assessment", f"assessment:{year.e.id}:2026")
    assert "总分44.00，低于合格线60分" in case.reason
    assert "末位" in case.reason
    assert row_of(body, "E-UNIT")["interview"]["case"] == case.id
    assert [cases_of(u) for u in (year.a, year.b, year.c, year.d)] == [[], [], [], []]
    # Finalising again does not call the head a second time: the row points at the same case.
    clock.set("2027-01-06T10:00:00+08:00")
    again = inspector.post(FINALISE, json={"reason": "更正"}).get_json()
    assert len(cases_of(year.e)) == 1
    assert row_of(again, "E-UNIT")["interview"]["case"] == case.id


def test_a_unit_with_an_open_case_has_the_assessment_join_it(inspector, year):
    open_case = interview_case(year.e, "2027-01-02T09:00:00+08:00")
    db.session.commit()

    inspector.post(FINALISE, json={})

    assert cases_of(year.e) == [open_case]
    reasons = db.session.scalars(
        select(InterviewReason.trigger).where(InterviewReason.interview_id == open_case.id)
    ).all()
    assert "assessment" in reasons


def test_the_head_sees_the_case_and_answers_it_as_any_interview(inspector, client, year):
    head = caller(client, UserFactory(role="unit_head", unit=year.e))
    inspector.post(FINALISE, json={})

    cases = head.get("/api/v1/interviews").get_json()["items"]

    [case] = cases
    assert case["status"] == "proposed"
    assert case["reasons"][0]["trigger"] == "assessment"
    assert "2026年度目标考核" in case["reasons"][0]["reason"]
    own = head.get("/api/v1/assessments/2026").get_json()
    assert [r["unit"]["code"] for r in own["items"]] == ["E-UNIT"]
    assert own["items"][0]["interview"]["case"] == case["id"]


def test_every_unit_with_a_total_gets_a_credit_record_entry(inspector, year):
    inspector.post(FINALISE, json={})

    entries = dict(
        db.session.execute(
            select(CreditRecord.unit_id, CreditRecord.summary).where(
                CreditRecord.type == "assessment_final"
            )
        ).all()
    )
    assert (
        entries[year.a.id] == "2026年度目标考核定稿（第1版）：总分93.00，第1名（共4个单位），合格"
    )
    assert entries[year.e.id].endswith("第4名（共4个单位），不合格")
    assert "未参与排名" in entries[year.d.id]


def test_the_year_must_be_over(inspector, year, clock):
    clock.set("2026-12-31T23:00:00+08:00")

    response = inspector.post(FINALISE, json={})

    assert response.status_code == 409
    assert "2026 is not over" in response.get_json()["error"]["message"]


def test_an_empty_year_has_nothing_to_finalise(inspector, year):
    response = inspector.post("/api/v1/assessments/2024/finalise", json={})

    assert response.status_code == 409
    assert "nothing to finalise" in response.get_json()["error"]["message"]


def test_only_inspectors_finalise(admin, head_of_b, year):
    assert admin.post(FINALISE, json={}).status_code == 403
    assert head_of_b.post(FINALISE, json={}).status_code == 403
    assert db.session.scalar(select(InterviewCase.id)) is None


def test_a_unit_head_gets_no_draft_once_the_year_is_final(inspector, head_of_b, year):
    inspector.post(FINALISE, json={})

    assert head_of_b.get("/api/v1/assessments/2026?draft=1").status_code == 403
    assert head_of_b.get("/api/v1/assessments/2026/versions").status_code == 403


def test_a_retried_finalisation_is_replayed_not_repeated(inspector, year):
    headers = {"Idempotency-Key": "finalise-2026"}
    first = inspector.post(FINALISE, json={}, headers=headers)
    second = inspector.post(FINALISE, json={}, headers=headers)

    assert (first.status_code, second.status_code) == (201, 201)
    assert second.headers["Idempotent-Replayed"] == "true"
    assert len(inspector.get("/api/v1/assessments/2026/versions").get_json()["items"]) == 1


def test_a_reason_too_long_is_422(inspector, year):
    response = inspector.post(FINALISE, json={"reason": "理" * 2001})

    assert response.status_code == 422
    assert "reason" in error_fields(response)


def test_a_finalisation_without_a_body_is_version_1(inspector, year):
    response = inspector.post(FINALISE)

    assert response.status_code == 201, response.get_json()
    assert response.get_json()["version"] == 1


def test_two_inspectors_finalising_at_once_get_a_conflict_not_a_crash(inspector, year, monkeypatch):
    assert inspector.post(FINALISE, json={}).status_code == 201
    # The other request read "no version yet" before this one committed.
    monkeypatch.setattr(finalise, "latest_version", lambda year: None)

    with pytest.raises(Conflict, match="version 1 of 2026 was just finalised"):
        finalise.finalise(year=2026, actor=Actor.of(inspector.user), reason="同时定稿")
    assert len(inspector.get("/api/v1/assessments/2026/versions").get_json()["items"]) == 1
