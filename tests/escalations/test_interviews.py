"""Interviews tightened: held not before their time, the head writes the commitment, inspectors
send weak evidence back; every refusal leaves the case as it was."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from hotline.auth.tokens import issue_token
from hotline.core.extensions import db
from hotline.escalations.models import CreditRecord, InterviewCase
from hotline.escalations.sweep import sweep
from hotline.escalations.triggers import open_by_rule
from tests.factories import UnitFactory, UserFactory

AT = "2026-10-26T09:30:00+08:00"  # the interview's scheduled time
DUE = "2026-11-02T00:00:00+08:00"


def auth(user) -> dict:
    return {"Authorization": f"Bearer {issue_token(user)}"}


@pytest.fixture
def people(session, clock):
    """A unit with a proposed case, its head and agent, an inspector and another unit's head."""
    clock.set("2026-10-22T09:00:00+08:00")
    unit = UnitFactory()
    case = open_by_rule(
        unit_id=unit.id,
        trigger="ranking_last",
        trigger_key=f"ranking_last:{unit.id}:2026-09",
        reason="2026-09考核排名末位",
        now=datetime(2026, 10, 1, 1, tzinfo=UTC),
    )
    setup = {
        "unit": unit,
        "case": case,
        "url": f"/api/v1/interviews/{case.id}",
        "inspector": UserFactory(role="inspector"),
        "head": UserFactory(role="unit_head", unit=unit),
        "agent": UserFactory(role="unit_agent", unit=unit),
        "other_head": UserFactory(role="unit_head", unit=UnitFactory()),
    }
    db.session.commit()
    return setup


@pytest.fixture
def scheduled(client, people):
    r = client.post(
        f"{people['url']}/schedule",
        json={"at": AT, "place": "市营商环境监督局302会议室"},
        headers=auth(people["inspector"]),
    )
    assert r.status_code == 200, r.json
    return people


@pytest.fixture
def held(client, scheduled, clock):
    clock.set("2026-10-26T11:00:00+08:00")
    r = client.post(
        f"{scheduled['url']}/hold",
        json={"minutes": "说明情况"},
        headers=auth(scheduled["inspector"]),
    )
    assert r.status_code == 200, r.json
    return scheduled


@pytest.fixture
def committed(client, held):
    r = client.post(
        f"{held['url']}/commit",
        json={"commitment": "一周内完成整改", "commitment_due": DUE},
        headers=auth(held["head"]),
    )
    assert r.status_code == 200, r.json
    return held


@pytest.fixture
def rectified(client, committed, clock):
    clock.set("2026-10-30T10:00:00+08:00")
    r = client.post(
        f"{committed['url']}/rectify",
        json={"evidence": "整改报告一份"},
        headers=auth(committed["head"]),
    )
    assert r.status_code == 200, r.json
    return committed


def credit_types(unit) -> list[str]:
    return list(
        db.session.scalars(
            select(CreditRecord.type)
            .where(CreditRecord.unit_id == unit.id)
            .order_by(CreditRecord.id)
        )
    )


def fresh(case) -> InterviewCase:
    db.session.expire_all()
    return db.session.get(InterviewCase, case.id)


def test_an_interview_is_not_held_before_its_scheduled_time(client, scheduled, clock):
    s = scheduled
    clock.set("2026-10-26T09:29:00+08:00")
    r = client.post(f"{s['url']}/hold", json={"minutes": "纪要"}, headers=auth(s["inspector"]))
    assert r.status_code == 409
    assert "2026-10-26 09:30" in r.json["error"]["message"]
    assert r.json["error"]["current_status"] == "scheduled"
    case = fresh(s["case"])
    assert (case.status, case.minutes, case.held_at) == ("scheduled", None, None)
    assert "interview_held" not in credit_types(s["unit"])

    clock.set(AT)  # from the scheduled minute on
    r = client.post(f"{s['url']}/hold", json={"minutes": "纪要"}, headers=auth(s["inspector"]))
    assert r.status_code == 200, r.json
    assert r.json["held_at"] == AT


def test_hold_records_minutes_and_the_head_writes_the_commitment(client, held):
    s = held
    case = client.get(s["url"], headers=auth(s["head"])).json
    assert (case["status"], case["minutes"], case["commitment"]) == ("held", "说明情况", None)
    r = client.post(
        f"{s['url']}/commit",
        json={"commitment": "一周内完成整改，建立台账", "commitment_due": DUE},
        headers=auth(s["head"]),
    )
    assert r.status_code == 200, r.json
    assert r.json["commitment"] == "一周内完成整改，建立台账"
    assert (r.json["commitment_due"], r.json["committed_at"]) == (DUE, "2026-10-26T11:00:00+08:00")
    assert credit_types(s["unit"])[-2:] == ["interview_held", "commitment_submitted"]
    entry = db.session.scalars(
        select(CreditRecord).where(CreditRecord.type == "commitment_submitted")
    ).one()
    assert entry.actor_id == s["head"].id
    assert entry.data["commitment"] == "一周内完成整改，建立台账"


def test_rectification_waits_for_the_heads_commitment(client, held):
    s = held
    r = client.post(f"{s['url']}/rectify", json={"evidence": "材料"}, headers=auth(s["head"]))
    assert r.status_code == 409
    assert "/commit" in r.json["error"]["message"]
    assert fresh(s["case"]).status == "held"


@pytest.mark.parametrize(
    ("who", "status"), [("agent", 403), ("inspector", 403), ("other_head", 404)]
)
def test_only_the_units_head_commits(client, held, who, status):
    s = held
    r = client.post(
        f"{s['url']}/commit",
        json={"commitment": "承诺", "commitment_due": DUE},
        headers=auth(s[who]),
    )
    assert r.status_code == status
    assert fresh(s["case"]).commitment is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"commitment": "承诺", "commitment_due": "2026-10-26T10:00:00+08:00"}, "commitment_due"),
        ({"commitment": "承诺", "commitment_due": "2026-11-02"}, "commitment_due"),
        ({"commitment": "承诺", "commitment_due": "2026-11-02T00:00:00"}, "commitment_due"),
        ({"commitment": "承诺", "commitment_due": "soon"}, "commitment_due"),
        ({"commitment": "承诺", "commitment_due": "9999-12-31T00:00:00+08:00"}, "commitment_due"),
        ({"commitment": "", "commitment_due": DUE}, "commitment"),
        ({"commitment": "  ", "commitment_due": DUE}, "commitment"),
        ({"commitment": "长" * 10_001, "commitment_due": DUE}, "commitment"),
    ],
)
def test_a_bad_commitment_is_422_naming_the_field_and_changes_nothing(client, held, body, field):
    s = held
    r = client.post(f"{s['url']}/commit", json=body, headers=auth(s["head"]))
    assert r.status_code == 422, r.json
    assert field in r.json["error"]["fields"]
    case = fresh(s["case"])
    assert (case.commitment, case.commitment_due, case.committed_at) == (None, None, None)
    assert "commitment_submitted" not in credit_types(s["unit"])


def test_a_commitment_is_written_once_and_only_after_the_hearing(client, scheduled, clock):
    s = scheduled
    body = {"commitment": "承诺", "commitment_due": DUE}
    early = client.post(f"{s['url']}/commit", json=body, headers=auth(s["head"]))
    assert early.status_code == 409  # still scheduled: nothing to commit to yet
    clock.set("2026-10-26T11:00:00+08:00")
    client.post(f"{s['url']}/hold", json={"minutes": "纪要"}, headers=auth(s["inspector"]))
    assert client.post(f"{s['url']}/commit", json=body, headers=auth(s["head"])).status_code == 200
    again = client.post(
        f"{s['url']}/commit",
        json={"commitment": "改口", "commitment_due": "2026-12-30T00:00:00+08:00"},
        headers=auth(s["head"]),
    )
    assert again.status_code == 409
    assert fresh(s["case"]).commitment == "承诺"


def test_the_old_hold_body_still_works_and_the_head_still_commits(client, scheduled, clock):
    """Clients that typed the commitment at hold keep working; the head's /commit is the source."""
    s = scheduled
    clock.set("2026-10-26T11:00:00+08:00")
    r = client.post(
        f"{s['url']}/hold",
        json={"minutes": "纪要", "commitment": "现场记录的承诺", "commitment_due": DUE},
        headers=auth(s["inspector"]),
    )
    assert r.status_code == 200, r.json
    assert (r.json["commitment"], r.json["committed_at"]) == ("现场记录的承诺", None)
    r = client.post(f"{s['url']}/rectify", json={"evidence": "材料"}, headers=auth(s["head"]))
    assert r.status_code == 409
    r = client.post(
        f"{s['url']}/commit",
        json={"commitment": "负责人书面承诺", "commitment_due": DUE},
        headers=auth(s["head"]),
    )
    assert r.status_code == 200
    assert r.json["commitment"] == "负责人书面承诺"


def test_the_old_hold_body_needs_both_commitment_fields_or_neither(client, scheduled, clock):
    s = scheduled
    clock.set("2026-10-26T11:00:00+08:00")
    r = client.post(
        f"{s['url']}/hold",
        json={"minutes": "纪要", "commitment": "承诺"},
        headers=auth(s["inspector"]),
    )
    assert r.status_code == 422
    assert set(r.json["error"]["fields"]) == {"commitment_due"}
    assert fresh(s["case"]).status == "scheduled"


def test_an_inspector_sends_weak_evidence_back_and_the_head_submits_again(client, rectified, clock):
    s = rectified
    r = client.post(
        f"{s['url']}/reject",
        json={"reason": "缺少整改前后对比照片"},
        headers=auth(s["inspector"]),
    )
    assert r.status_code == 200, r.json
    assert (r.json["status"], r.json["evidence"], r.json["rectified_at"]) == ("held", None, None)
    assert r.json["rejection_reason"] == "缺少整改前后对比照片"
    assert r.json["rejected_at"] == "2026-10-30T10:00:00+08:00"
    # The rejected evidence stays in the credit record, with the reason.
    entry = db.session.scalars(
        select(CreditRecord).where(CreditRecord.type == "rectification_rejected")
    ).one()
    assert entry.data["evidence"] == "整改报告一份"
    assert entry.data["reason"] == "缺少整改前后对比照片"
    assert "缺少整改前后对比照片" in entry.summary

    clock.set("2026-10-31T10:00:00+08:00")
    r = client.post(
        f"{s['url']}/rectify", json={"evidence": "整改报告及对比照片"}, headers=auth(s["head"])
    )
    assert r.status_code == 200, r.json
    assert r.json["status"] == "rectified"
    assert client.post(f"{s['url']}/close", headers=auth(s["inspector"])).status_code == 200
    # A closed case's evidence is no longer sent back.
    late = client.post(f"{s['url']}/reject", json={"reason": "再看"}, headers=auth(s["inspector"]))
    assert late.status_code == 409


def test_evidence_sent_back_keeps_the_commitments_due(client, rectified):
    s = rectified
    client.post(f"{s['url']}/reject", json={"reason": "不充分"}, headers=auth(s["inspector"]))
    assert sweep(now=datetime.fromisoformat(DUE)).rectification_overdue == 1
    assert fresh(s["case"]).status == "rectification_overdue"


def test_only_inspectors_send_evidence_back(client, rectified):
    s = rectified
    for who, status in (("head", 403), ("agent", 403), ("other_head", 404)):
        r = client.post(f"{s['url']}/reject", json={"reason": "x"}, headers=auth(s[who]))
        assert r.status_code == status, who
    assert fresh(s["case"]).status == "rectified"


def test_only_rectified_evidence_is_sent_back(client, committed):
    s = committed
    r = client.post(f"{s['url']}/reject", json={"reason": "x"}, headers=auth(s["inspector"]))
    assert r.status_code == 409
    assert r.json["error"]["current_status"] == "held"


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": 5}])
def test_sending_back_needs_a_reason(client, rectified, body):
    s = rectified
    r = client.post(f"{s['url']}/reject", json=body, headers=auth(s["inspector"]))
    assert r.status_code == 422
    assert "reason" in r.json["error"]["fields"]
    case = fresh(s["case"])
    assert (case.status, case.evidence) == ("rectified", "整改报告一份")
