"""The demo's negative lists and commitments: several units' plans in every review state, steps
done on time and late, one overdue, and commitments with one broken by a ticket."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from hotline.campaign.commitments import fulfilment
from hotline.campaign.commitments.models import CommitmentBreach
from hotline.campaign.lists import progress
from hotline.campaign.lists.models import NegativeListItem
from hotline.escalations.models import CreditRecord
from hotline.seed.campaign_lists import load_campaign_lists
from hotline.seed.demo import load_reference, load_tickets
from hotline.units.models import Unit

NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)


def test_the_demo_has_believable_lists_and_commitments(session):
    load_reference(now=NOW)
    load_tickets(now=NOW, count=60)
    summary = load_campaign_lists(now=NOW)
    assert summary["negative_list_items"] >= 6
    assert summary["commitments"] >= 4

    per_unit = dict(
        session.execute(
            select(NegativeListItem.unit_id, func.count()).group_by(NegativeListItem.unit_id)
        ).all()
    )
    assert len(per_unit) >= 3
    assert all(1 <= n <= 4 for n in per_unit.values())
    statuses = set(session.scalars(select(NegativeListItem.status)))
    assert statuses == {"approved", "pending", "returned"}

    overdue = progress.overdue_milestones(now=NOW)
    assert len(overdue) == 1
    scjg = session.scalar(select(Unit).where(Unit.code == "C-SCJG"))
    due, on_time = progress.milestone_stats(scjg.id, 2026, now=NOW)
    assert (due, on_time) == (3, 1)  # one on time, one late, one overdue

    assert session.scalar(select(func.count()).select_from(CommitmentBreach)) == 1
    assert fulfilment.commitment_stats(scjg.id, 2026) == (2, 1, 1)
    breached = session.scalar(
        select(CreditRecord).where(CreditRecord.type == "commitment_breached")
    )
    assert breached.ticket_id is not None
    assert [i.title for i in progress.approved_items(scjg.id, now=NOW)] == [
        "个体工商户登记“找熟人”才能当场办结",
        "食品经营许可现场核查时间靠“打招呼”",
    ]
