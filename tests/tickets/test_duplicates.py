"""Possible duplicates (疑似重复): each rule, the 7-day window, what is never flagged, the index
lookups, and a check that fails without losing the routing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from hotline.core.extensions import db
from hotline.tickets import duplicates
from hotline.tickets import transitions as tx
from hotline.tickets.jobs import route_pending
from hotline.tickets.models import Ticket, TicketEvent
from tests.factories import OPERATOR, CategoryFactory, new_ticket
from tests.support.plans import query_plan


def _routed(*tickets: Ticket) -> list[Ticket]:
    db.session.commit()
    route_pending()
    for ticket in tickets:
        db.session.refresh(ticket)
    return list(tickets)


def _flag_event(ticket: Ticket) -> dict | None:
    return db.session.scalar(
        select(TicketEvent.data).where(
            TicketEvent.ticket_id == ticket.id, TicketEvent.type == "possible_duplicate"
        )
    )


def test_same_phone_flags_the_later_ticket_only(session, clock):
    first = new_ticket(phone="13900000001", description="路灯不亮")
    clock.now += timedelta(hours=3)
    later = new_ticket(phone="13900000001", description="楼下餐馆油烟扰民")
    first, later = _routed(first, later)

    assert later.possible_duplicate_of_id == first.id
    assert _flag_event(later) == {"of": first.number, "reason": "phone", "score": 1.0}
    assert first.possible_duplicate_of_id is None
    assert _flag_event(first) is None


def test_same_place_and_category_flags_whatever_the_spacing_and_punctuation(session, clock):
    noise = CategoryFactory(code="NOISE")
    road = CategoryFactory(code="ROAD")
    first = new_ticket(
        category=noise,
        phone="13900000001",
        district="东城区",
        address="人民路 5 号",
        description="工地晚上施工",
    )
    same = new_ticket(
        category=noise,
        phone="13900000002",
        district="东城区",
        address="人民路5号。",
        description="半夜还在打桩，吵得睡不着",
    )
    other_category = new_ticket(
        category=road,
        phone="13900000003",
        district="东城区",
        address="人民路5号",
        description="门口井盖松动",
    )
    other_district = new_ticket(
        category=noise,
        phone="13900000004",
        district="西城区",
        address="人民路5号",
        description="酒吧音乐声太大",
    )
    first, same, other_category, other_district = _routed(
        first, same, other_category, other_district
    )

    assert same.possible_duplicate_of_id == first.id
    assert _flag_event(same)["reason"] == "place"
    assert other_category.possible_duplicate_of_id is None
    assert other_district.possible_duplicate_of_id is None


def test_near_identical_text_is_flagged_and_a_different_matter_is_not(session, clock):
    first = new_ticket(
        phone="13900000001",
        district="东城区",
        description="幸福小区3号楼电梯坏了三天，老人下不了楼",
    )
    same_words = new_ticket(
        channel="open311", phone=None, description="幸福小区3号楼电梯坏了三天, 老人下不了楼！"
    )
    near = new_ticket(
        phone="13900000003",
        district="东城区",
        description="幸福小区3号楼电梯坏了三天了，老人都下不了楼",
    )
    different = new_ticket(
        phone="13900000004", district="东城区", description="幸福小区门口垃圾没人清运"
    )
    first, same_words, near, different = _routed(first, same_words, near, different)

    assert same_words.possible_duplicate_of_id == first.id
    assert _flag_event(same_words) == {"of": first.number, "reason": "text", "score": 1.0}
    assert near.possible_duplicate_of_id in (first.id, same_words.id)
    event = _flag_event(near)
    assert event["reason"] == "text"
    assert duplicates.NEAR_TEXT_MIN <= event["score"] < 1
    assert different.possible_duplicate_of_id is None


def test_only_the_seven_days_before_count(session, clock):
    clock.set("2026-10-01T10:00:00+08:00")
    old = new_ticket(phone="13900000001", description="噪音")
    clock.set("2026-10-08T10:00:01+08:00")  # 7 days and a second later
    late = new_ticket(phone="13900000001", description="噪音")
    old, late = _routed(old, late)
    assert late.possible_duplicate_of_id is None

    clock.set("2026-10-14T10:00:00+08:00")  # 6 days after `late`
    within = new_ticket(phone="13900000001", description="噪音")
    (within,) = _routed(within)
    assert within.possible_duplicate_of_id == late.id


def test_a_merged_or_rejected_ticket_is_never_the_original(session, clock):
    kept = new_ticket(phone="13900000009", description="另一件事")
    merged = new_ticket(phone="13900000001", description="路灯不亮")
    rejected = new_ticket(phone="13900000002", description="骚扰电话")
    _routed(kept, merged, rejected)
    tx.merge(merged, actor=OPERATOR, into=kept.number)
    tx.reject(
        rejected,
        actor=OPERATOR.__class__(user_id=None, role="supervisor", label="s"),
        reason="恶意",
    )
    again = new_ticket(phone="13900000001", description="还是路灯不亮")
    again2 = new_ticket(phone="13900000002", description="还是骚扰")
    again, again2 = _routed(again, again2)
    assert (again.possible_duplicate_of_id, again2.possible_duplicate_of_id) == (None, None)


def test_merging_clears_the_flag(session, clock):
    first = new_ticket(phone="13900000001")
    later = new_ticket(phone="13900000001")
    first, later = _routed(first, later)
    assert later.possible_duplicate_of_id == first.id
    tx.merge(later, actor=OPERATOR, into=first.number)
    assert later.possible_duplicate_of_id is None
    assert later.merged_into_id == first.id


def test_not_a_duplicate_clears_the_flag_with_an_event(session, clock):
    first = new_ticket(phone="13900000001")
    later = new_ticket(phone="13900000001", description="另一件事：路灯不亮")
    first, later = _routed(first, later)
    tx.dismiss_duplicate(later, actor=OPERATOR, reason="同一人反映两件不同的事")
    assert later.possible_duplicate_of_id is None
    event = db.session.scalar(
        select(TicketEvent).where(
            TicketEvent.ticket_id == later.id, TicketEvent.type == "duplicate_dismissed"
        )
    )
    assert event.data == {"of": first.number}
    assert event.reason == "同一人反映两件不同的事"


def test_a_failing_check_leaves_the_ticket_routed(session, clock, monkeypatch, caplog):
    category = CategoryFactory()

    def broken(ticket: Ticket) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(duplicates, "check", broken)
    (ticket,) = _routed(new_ticket(category=category))
    assert ticket.status == "dispatched"
    assert f"ticket {ticket.number}: duplicate check failed" in caplog.text


def test_hostile_text_is_compared_without_error(session, clock):
    blank = new_ticket(channel="open311", phone=None, description="！！！…… ？？")
    huge = new_ticket(channel="open311", phone=None, description="噪" * 4000)
    huge2 = new_ticket(channel="open311", phone=None, description="噪" * 3999 + "音")
    blank, huge, huge2 = _routed(blank, huge, huge2)
    assert blank.text_key is None
    assert blank.possible_duplicate_of_id is None
    assert huge2.possible_duplicate_of_id is None  # no district: only the exact text rule


@pytest.mark.parametrize(
    ("column", "value", "index"),
    [
        ("complainant_phone", "13900000001", "ix_tickets_phone_created"),
        ("place_key", "k" * 40, "ix_tickets_place_key_created"),
        ("text_key", "k" * 40, "ix_tickets_text_key_created"),
        ("district", "东城区", "ix_tickets_district_created"),
    ],
)
def test_each_rule_is_an_index_lookup(session, column, value, index):
    probe = Ticket(id=10**9, created_at=datetime(2026, 10, 1, tzinfo=UTC))
    query = duplicates._recent(probe).where(getattr(Ticket, column) == value).limit(1)
    plan = query_plan(query)
    assert index in plan, plan
    if db.session.get_bind().dialect.name == "postgresql":
        assert "Seq Scan" not in plan, plan
