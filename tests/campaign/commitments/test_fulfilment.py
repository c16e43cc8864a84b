"""Kept and broken commitments, year by year: the assessment's figures, the verdicts written to
the credit record once a year is over, and what the public may read."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from hotline.campaign.commitments import breaches, fulfilment, jobs
from hotline.campaign.commitments import service as commitments
from hotline.campaign.commitments.models import CommitmentYear
from hotline.core.actor import Actor
from hotline.core.errors import Conflict
from hotline.core.extensions import db
from hotline.escalations.models import CreditRecord
from tests.factories import UnitFactory, ticket_in
from workers.schedule import PERIODIC

T = datetime.fromisoformat
INSPECTOR = Actor(user_id=None, role="inspector", label="inspector")


def make(unit, text: str, at: str):
    return commitments.create(actor=INSPECTOR, unit=unit.code, text=text, now=T(at))


def breach(commitment, unit, at: str):
    ticket = ticket_in("accepted", unit=unit, now=T(at))
    return breaches.add_breach(
        commitment_id=commitment.id, actor=INSPECTOR, ticket=ticket.number, now=T(at)
    )


@pytest.fixture
def year_2026(session):
    """A unit with four commitments over 2025–2027 and breaches in 2026."""
    unit = UnitFactory()
    kept = make(unit, "一次告知", "2025-06-01T09:00:00+08:00")
    broken = make(unit, "当场受理", "2026-02-01T09:00:00+08:00")
    breach(broken, unit, "2026-05-01T10:00:00+08:00")
    breach(broken, unit, "2026-06-01T10:00:00+08:00")
    retired_early = make(unit, "旧承诺", "2025-01-01T09:00:00+08:00")
    commitments.retire(
        commitment_id=retired_early.id,
        actor=INSPECTOR,
        reason="并入新承诺",
        now=T("2025-12-31T23:00:00+08:00"),
    )
    make(unit, "明年的承诺", "2027-01-01T00:00:00+08:00")
    return unit, kept, broken


def test_commitment_stats_count_those_in_force_in_the_year(year_2026):
    unit, _, _ = year_2026
    assert fulfilment.commitment_stats(unit.id, 2026) == (2, 1, 1)
    assert fulfilment.commitment_stats(unit.id, 2025) == (2, 2, 0)
    assert fulfilment.commitment_stats(unit.id, 2024) == (0, 0, 0)
    other = UnitFactory()
    assert fulfilment.commitment_stats_by_unit([unit.id, other.id], 2026) == {
        unit.id: (2, 1, 1),
        other.id: (0, 0, 0),
    }


def test_a_years_verdicts_go_to_the_credit_record_once_it_is_over(year_2026):
    unit, kept, broken = year_2026
    with pytest.raises(Conflict):
        fulfilment.record_year(year=2026, now=T("2026-12-31T23:59:00+08:00"))
    assert jobs.close_last_year(now=T("2027-01-01T00:30:00+08:00")) == 2
    assert jobs.close_last_year(now=T("2027-01-01T01:30:00+08:00")) == 0
    verdicts = dict(
        db.session.execute(
            select(CommitmentYear.commitment_id, CommitmentYear.kept).where(
                CommitmentYear.year == 2026
            )
        ).all()
    )
    assert verdicts == {kept.id: True, broken.id: False}
    entries = db.session.scalars(
        select(CreditRecord.summary)
        .where(
            CreditRecord.unit_id == unit.id,
            CreditRecord.type.in_(["commitment_kept", "commitment_broken"]),
        )
        .order_by(CreditRecord.id)
    ).all()
    assert entries == [
        f"2026年度单位承诺（#{kept.id}）“一次告知”已兑现",
        f"2026年度单位承诺（#{broken.id}）“当场受理”未兑现",
    ]


def test_a_breach_linked_after_the_verdict_turns_the_year_broken(year_2026):
    unit, kept, _ = year_2026
    fulfilment.record_year(year=2026, now=T("2027-01-02T09:00:00+08:00"))
    ticket = ticket_in("accepted", unit=unit, now=T("2026-12-30T10:00:00+08:00"))
    breaches.add_breach(
        commitment_id=kept.id,
        actor=INSPECTOR,
        ticket=ticket.number,
        now=T("2027-01-05T09:00:00+08:00"),
    )
    assert db.session.get(CommitmentYear, (kept.id, 2026)).kept is False
    assert fulfilment.commitment_stats(unit.id, 2026) == (2, 0, 2)
    late = db.session.scalar(
        select(CreditRecord)
        .where(CreditRecord.type == "commitment_broken", CreditRecord.unit_id == unit.id)
        .order_by(CreditRecord.id.desc())
    )
    assert "改记为未兑现" in late.summary
    assert late.data["late"] is True


def test_the_public_reads_counts_and_verdicts_not_the_breaches(year_2026):
    unit, kept, broken = year_2026
    fulfilment.record_year(year=2026, now=T("2027-01-02T09:00:00+08:00"))
    public = fulfilment.public_commitments(unit.id, now=T("2027-03-01T09:00:00+08:00"))
    assert [c.status for c in public] == ["active", "active", "active", "retired"]
    by_id = {c.id: c for c in public}
    assert (by_id[broken.id].breaches, by_id[broken.id].breaches_this_year) == (2, 0)
    assert by_id[broken.id].years == ((2026, False),)
    assert by_id[kept.id].years == ((2026, True),)
    assert by_id[kept.id].made_on.isoformat() == "2025-06-01"
    assert not hasattr(by_id[kept.id], "note")


def test_the_scheduler_writes_last_years_verdicts_hourly():
    job = next(p for p in PERIODIC if p.id == "commitment-years")
    assert job.func == "hotline.campaign.commitments.jobs.close_last_year"
    assert job.every_seconds <= 3600
