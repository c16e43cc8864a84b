"""The inbox: a notice reaches its audience's readers, each with their own read mark."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import event, func, select

from hotline.core.actor import Actor
from hotline.core.errors import NotFound
from hotline.core.extensions import db
from hotline.notify import inbox
from hotline.notify.inbox import Audience
from hotline.notify.models import Notice, NoticeRead
from tests.factories import UnitFactory, UserFactory

NOW = datetime(2026, 10, 14, 1, 0, tzinfo=UTC)


@pytest.fixture
def people(session):
    unit, other = UnitFactory(), UnitFactory()
    users = {
        "agent": UserFactory(role="unit_agent", unit=unit),
        "agent2": UserFactory(role="unit_agent", unit=unit),
        "head": UserFactory(role="unit_head", unit=unit),
        "other_agent": UserFactory(role="unit_agent", unit=other),
        "supervisor": UserFactory(role="supervisor"),
        "operator": UserFactory(role="operator"),
        "inspector": UserFactory(role="inspector"),
    }
    return unit, other, {name: Actor.of(user) for name, user in users.items()}


def _post(audience: Audience, **kwargs) -> Notice:
    inbox.post(audience=audience, template="warning", now=NOW, number="20261001-000001", **kwargs)
    return db.session.scalar(select(Notice).order_by(Notice.id.desc()).limit(1))


def _texts(actor: Actor, unread: bool = False) -> list[int]:
    return [n.id for n, _ in db.session.execute(inbox.for_reader(actor, unread=unread))]


def test_a_notice_to_a_units_agents_is_one_row_every_agent_reads(people):
    unit, _, p = people
    notice = _post(Audience.unit(unit.id, "unit_agent"))
    assert db.session.scalar(select(func.count()).select_from(Notice)) == 1
    assert _texts(p["agent"]) == _texts(p["agent2"]) == [notice.id]
    # not the head, not another unit's agent, not the hotline
    for name in ("head", "other_agent", "supervisor", "inspector"):
        assert _texts(p[name]) == [], name


def test_role_notices_reach_every_holder_of_that_role_only(people):
    _, _, p = people
    notice = _post(Audience.role("supervisor"))
    assert _texts(p["supervisor"]) == [notice.id]
    assert _texts(p["operator"]) == []
    assert _texts(p["agent"]) == []


def test_a_notice_to_one_user_reaches_only_them(people):
    _, _, p = people
    notice = _post(Audience.user(p["agent"].user_id))
    assert _texts(p["agent"]) == [notice.id]
    assert _texts(p["agent2"]) == []


def test_a_unit_role_can_never_be_addressed_hotline_wide():
    """`role:unit_agent` would reach every unit's agents."""
    with pytest.raises(ValueError, match="hotline-wide"):
        Audience.role("unit_agent")
    with pytest.raises(ValueError, match="not a unit role"):
        Audience.unit(1, "supervisor")
    with pytest.raises(ValueError, match="hotline-wide"):
        Audience.role("nobody")


def test_read_marks_are_per_user(people):
    unit, _, p = people
    first = _post(Audience.unit(unit.id, "unit_agent"))
    second = _post(Audience.unit(unit.id, "unit_agent"))
    assert inbox.unread_count(p["agent"]) == inbox.unread_count(p["agent2"]) == 2
    inbox.mark_read(actor=p["agent"], notice_id=first.id, now=NOW)
    inbox.mark_read(actor=p["agent"], notice_id=first.id, now=NOW)  # again: nothing changes
    assert inbox.unread_count(p["agent"]) == 1
    assert inbox.unread_count(p["agent2"]) == 2
    assert _texts(p["agent"], unread=True) == [second.id]
    assert {n.id: read for n, read in db.session.execute(inbox.for_reader(p["agent"]))} == {
        first.id: True,
        second.id: False,
    }


def test_marking_someone_elses_notice_is_not_found(people):
    _unit, other, p = people
    notice = _post(Audience.unit(other.id, "unit_agent"))
    with pytest.raises(NotFound):
        inbox.mark_read(actor=p["agent"], notice_id=notice.id)
    for absurd in (0, -1, 2**31, 10**30):
        with pytest.raises(NotFound):
            inbox.mark_read(actor=p["agent"], notice_id=absurd)
    assert db.session.scalar(select(func.count()).select_from(NoticeRead)) == 0


def test_mark_all_read_moves_one_cursor_and_newer_notices_count_again(people):
    unit, _, p = people
    first = _post(Audience.unit(unit.id, "unit_agent"))
    _post(Audience.user(p["agent"].user_id))
    inbox.mark_read(actor=p["agent"], notice_id=first.id, now=NOW)
    assert inbox.mark_all_read(actor=p["agent"], now=NOW) > 0
    assert inbox.unread_count(p["agent"]) == 0
    assert inbox.unread_count(p["agent2"]) == 1  # theirs is untouched
    # the single marks the cursor covers are gone: one row per user, not one per notice
    assert db.session.scalar(select(func.count()).select_from(NoticeRead)) == 0
    inbox.mark_all_read(actor=p["agent"], now=NOW)  # again, with nothing new: fine
    later = _post(Audience.unit(unit.id, "unit_agent"))
    assert _texts(p["agent"], unread=True) == [later.id]


def test_a_reader_with_no_notices_marks_all_read_without_error(people):
    _, _, p = people
    assert inbox.mark_all_read(actor=p["operator"], now=NOW) == 0
    assert inbox.unread_count(p["operator"]) == 0


def test_the_unread_count_is_one_query_and_stops_at_the_cap(people):
    unit, _, p = people
    inbox.insert_rows(
        [
            inbox.notice_row(
                audience=Audience.unit(unit.id, "unit_agent"), template="warning", now=NOW
            )
            for _ in range(inbox.BADGE_CAP + 20)
        ]
    )
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert inbox.unread_count(p["agent"]) == inbox.BADGE_CAP
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len([s for s in statements if "notices" in s]) == 1


def test_a_repeated_cause_posts_one_notice(people):
    _, _, p = people
    assert inbox.post(audience=Audience.role("inspector"), template="warning", dedupe_key="k:1")
    assert not inbox.post(audience=Audience.role("inspector"), template="warning", dedupe_key="k:1")
    assert len(_texts(p["inspector"])) == 1


def test_a_resolved_notice_is_read_for_everyone_and_keeps_its_first_resolution(people):
    """Someone did what a notice asked: no reader has it unread, each sees who and how."""
    _, _, p = people
    notice = _post(Audience.role("supervisor"), dedupe_key="request:7")
    other = _post(Audience.role("supervisor"), dedupe_key="request:8")
    assert inbox.unread_count(p["supervisor"]) == 2
    later = NOW.replace(hour=3)
    assert (
        inbox.resolve(
            dedupe_keys=["request:7"], by_id=None, by_name="王审核", resolution="denied", now=NOW
        )
        == 1
    )
    # a second resolution changes nothing: the first decision stands
    assert (
        inbox.resolve(
            dedupe_keys=["request:7"],
            by_id=None,
            by_name="李审核",
            resolution="approved",
            now=later,
        )
        == 0
    )
    assert inbox.resolve(dedupe_keys=[], by_id=None, by_name=None, resolution="done", now=NOW) == 0
    db.session.refresh(notice)
    assert (notice.resolved_at, notice.resolved_by, notice.resolution) == (NOW, "王审核", "denied")
    assert _texts(p["supervisor"], unread=True) == [other.id]
    assert inbox.unread_count(p["supervisor"]) == 1
    assert {n.id: read for n, read in db.session.execute(inbox.for_reader(p["supervisor"]))} == {
        notice.id: True,
        other.id: False,
    }
    # reading it anyway is harmless
    inbox.mark_read(actor=p["supervisor"], notice_id=notice.id, now=NOW)
    assert inbox.unread_count(p["supervisor"]) == 1


def test_resolving_names_no_notice_of_another_key(people):
    _, _, p = people
    _post(Audience.role("inspector"), dedupe_key="request:70")
    inbox.resolve(dedupe_keys=["request:7"], by_id=None, by_name="x", resolution="done", now=NOW)
    assert inbox.unread_count(p["inspector"]) == 1
