"""One open interview case per unit: a new trigger joins the case awaiting its interview with
its reason (and ticket) instead of opening a parallel one; each rule key fires once."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from hotline.core.extensions import db
from hotline.escalations import triggers
from hotline.escalations.models import CreditRecord, InterviewCase, interview_tickets
from hotline.escalations.sweep import sweep
from hotline.tickets import transitions as tx
from tests.factories import OPERATOR, UnitFactory, ticket_in, unit_actor

NOW = datetime(2026, 10, 22, 1, tzinfo=UTC)


def cases_of(unit) -> list[InterviewCase]:
    return list(
        db.session.scalars(
            select(InterviewCase).where(InterviewCase.unit_id == unit.id).order_by(InterviewCase.id)
        )
    )


def rule(unit, trigger: str, period: str = "2026-09", **kwargs) -> InterviewCase | None:
    return triggers.open_by_rule(
        unit_id=unit.id,
        trigger=trigger,
        trigger_key=f"{trigger}:{unit.id}:{period}",
        reason=f"{period}{triggers.TRIGGER_NAMES[trigger]}",
        now=kwargs.pop("now", NOW),
        **kwargs,
    )


def test_an_overdue_ticket_and_two_rules_make_one_case_with_three_reasons(session, clock):
    """The demo's three cases for one unit in the same minute become one case."""
    clock.set("2026-09-30T10:00:00+08:00")
    unit = UnitFactory()
    ticket = ticket_in("accepted", unit=unit)
    sweep(now=datetime.fromisoformat("2026-10-22T00:00:00+08:00"))  # the interview level
    joined_rank = rule(unit, "ranking_last")
    joined_rate = rule(unit, "on_time_rate")
    [case] = cases_of(unit)
    assert joined_rank.id == joined_rate.id == case.id
    assert (case.trigger, case.status) == ("ticket_overdue", "proposed")
    reasons = triggers.reasons_by_case([case.id])[case.id]
    assert [(r["trigger"], r["ticket"]) for r in reasons] == [
        ("ticket_overdue", ticket.number),
        ("ranking_last", None),
        ("on_time_rate", None),
    ]
    assert reasons[1]["reason"] == "2026-09考核排名末位"
    entries = db.session.scalars(
        select(CreditRecord.type).where(CreditRecord.interview_id == case.id)
    ).all()
    assert entries.count("interview_opened") == 1
    assert entries.count("interview_reason_added") == 2


def test_a_rule_key_fires_once_whichever_case_it_went_to(session):
    unit = UnitFactory()
    assert rule(unit, "ranking_last") is not None
    assert rule(unit, "ranking_last") is None
    assert rule(unit, "on_time_rate") is not None
    assert rule(unit, "on_time_rate") is None
    [case] = cases_of(unit)
    assert len(triggers.reasons_by_case([case.id])[case.id]) == 2


def test_a_scheduled_case_still_takes_new_reasons_but_a_held_one_does_not(session):
    unit = UnitFactory()
    first = rule(unit, "ranking_last")
    first.status = "scheduled"
    assert rule(unit, "on_time_rate").id == first.id
    first.status = "held"  # its interview took place: a new trigger needs a new one
    later = rule(unit, "supervision_count", period="2026-10")
    assert later.id != first.id
    assert [c.status for c in cases_of(unit)] == ["held", "proposed"]
    assert later.trigger == "supervision_count"


def test_each_unit_has_its_own_case(session):
    one, two = UnitFactory(), UnitFactory()
    assert rule(one, "ranking_last").id != rule(two, "ranking_last").id


def test_an_overdue_commitments_follow_up_joins_the_open_case_and_names_its_parent(session):
    unit = UnitFactory()
    old = rule(unit, "ranking_last", period="2026-08")
    old.status = "rectification_overdue"
    fresh = rule(unit, "on_time_rate")
    follow = triggers.open_by_rule(
        unit_id=unit.id,
        trigger="commitment_overdue",
        trigger_key=f"commitment_overdue:{old.id}",
        reason=triggers.TRIGGER_NAMES["commitment_overdue"],
        now=NOW,
        parent_id=old.id,
    )
    assert follow.id == fresh.id
    assert follow.parent_id == old.id


def test_a_ticket_reaching_the_interview_again_is_linked_to_the_open_case_once(session, clock):
    clock.set("2026-09-30T10:00:00+08:00")
    unit = UnitFactory()
    ticket = ticket_in("accepted", unit=unit)
    sweep(now=datetime.fromisoformat("2026-10-22T00:00:00+08:00"))
    # Replied, reopened with a fresh window, and overdue again while the case is still open.
    tx.reply(
        ticket, actor=unit_actor(unit), text="已处理", now=datetime(2026, 10, 22, 2, tzinfo=UTC)
    )
    clock.set("2026-10-23T10:00:00+08:00")
    tx.reopen(ticket, actor=OPERATOR, reason="未解决")
    sweep(now=datetime.fromisoformat("2026-11-20T00:00:00+08:00"))
    [case] = cases_of(unit)
    links = db.session.scalars(
        select(interview_tickets.c.ticket_id).where(interview_tickets.c.interview_id == case.id)
    ).all()
    assert links == [ticket.id]
    reasons = triggers.reasons_by_case([case.id])[case.id]
    assert [r["trigger"] for r in reasons] == ["ticket_overdue", "ticket_overdue"]
