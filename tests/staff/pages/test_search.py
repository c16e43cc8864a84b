"""The top search box: a whole ticket number opens the ticket; part of a number or a phone lists
the matches, each role seeing only what the ticket list shows it (units: their own tickets,
phones masked, no matching on a phone number)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from hotline.audit.models import AuditEntry
from hotline.core.clock import utcnow
from hotline.core.extensions import db
from hotline.tickets import search
from tests.factories import new_ticket, ticket_in

PHONE = "+8613812345678"


def _results(html: str) -> str:
    return html.split('data-test="search-results"')[1].split("</table>")[0]


def test_a_whole_number_opens_the_ticket(login, staff, clock) -> None:
    number = ticket_in("dispatched", unit=staff.unit).number
    client = login(staff.operator)
    assert client.get(f"/tickets?q={number}").headers["Location"] == f"/tickets/{number}"
    assert client.get(f"/tickets?q=+{number}+").headers["Location"] == f"/tickets/{number}"


def test_part_of_a_number_lists_the_tickets_that_contain_it(login, staff, clock) -> None:
    first = new_ticket(description="第一件")
    second = new_ticket(description="第二件")
    tail = second.number[-4:]
    html = login(staff.operator).get(f"/tickets?q={tail}").get_data(as_text=True)
    rows = _results(html)
    assert second.number in rows
    assert (first.number in rows) == (tail in first.number)
    day = login(staff.operator).get(f"/tickets?q={first.number[:9]}").get_data(as_text=True)
    assert first.number in _results(day)
    assert second.number in _results(day)


def test_a_phone_as_typed_finds_the_callers_tickets_and_the_reads_are_audited(
    login, staff, clock
) -> None:
    mine = new_ticket(phone=PHONE, description="油烟扰民")
    older = new_ticket(phone=PHONE, description="路灯不亮", now=utcnow() - timedelta(days=40))
    theirs = new_ticket(phone="+8613900000000", description="别人的")
    client = login(staff.operator)
    for typed in ("13812345678", "138 1234 5678", "+86 138-1234-5678", "5678"):
        rows = _results(client.get("/tickets", query_string={"q": typed}).get_data(as_text=True))
        assert mine.number in rows, typed
        assert older.number in rows, typed
        assert theirs.number not in rows, typed
        assert PHONE in rows  # hotline staff see the whole number
        assert rows.index(mine.number) < rows.index(older.number)  # newest first
    via = AuditEntry.detail["via"].as_string()
    audited = set(db.session.scalars(select(AuditEntry.ticket_id).where(via == "search")))
    assert {mine.id, older.id} <= audited
    assert theirs.id not in audited


def test_a_unit_finds_only_its_own_tickets_by_number_and_never_by_phone(
    login, staff, clock
) -> None:
    ours = ticket_in("accepted", unit=staff.unit, phone=PHONE)
    others = ticket_in("accepted", unit=staff.other_unit, phone=PHONE)
    client = login(staff.agent)
    day = ours.number[:9]
    rows = _results(client.get(f"/tickets?q={day}").get_data(as_text=True))
    assert ours.number in rows
    assert others.number not in rows
    assert PHONE not in rows
    assert "138****5678" in rows
    # Matching on a number they only see masked would reveal it: a phone finds nothing.
    by_phone = _results(client.get("/tickets?q=13812345678").get_data(as_text=True))
    assert ours.number not in by_phone
    assert not db.session.scalar(
        select(AuditEntry).where(AuditEntry.detail["via"].as_string() == "search")
    )


@pytest.mark.parametrize(
    "q", ["<script>alert(1)</script>", "%", "_", "' OR 1=1 --", "的了吗", "x" * 10_000, "--"]
)
def test_junk_in_the_search_box_finds_nothing_and_breaks_nothing(login, staff, clock, q) -> None:
    new_ticket(phone=PHONE)
    response = login(staff.operator).get("/tickets", query_string={"q": q})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "没有找到匹配的工单" in html
    assert "<script>alert(1)</script>" not in html


def test_an_empty_search_goes_home_and_the_old_box_name_still_works(login, staff, clock) -> None:
    number = ticket_in("dispatched", unit=staff.unit).number
    client = login(staff.inspector)
    assert client.get("/tickets?q=").headers["Location"] == "/"
    assert client.get(f"/tickets?number={number}").headers["Location"] == f"/tickets/{number}"


def test_the_box_says_what_it_takes(login, staff) -> None:
    operator = login(staff.operator).get("/console").get_data(as_text=True)
    assert 'name="q" placeholder="工单号、来电号码或内容"' in operator
    agent = login(staff.agent).get("/workbench").get_data(as_text=True)
    assert 'name="q" placeholder="工单号或内容"' in agent


def _indexed() -> None:
    """The words the search-words job writes every 15 s."""
    search.reindex(commit=db.session.commit)


def test_words_find_tickets_best_match_first_with_the_words_marked(login, staff, clock) -> None:
    site = new_ticket(description="幸福路工地夜间施工噪音太大，工地每晚施工到凌晨")
    once = new_ticket(description="楼下饭店油烟大，偶尔也有施工的声音")
    lamp = new_ticket(description="路灯不亮，晚上看不清路")
    _indexed()
    html = (
        login(staff.operator)
        .get("/tickets", query_string={"q": "工地 施工"})
        .get_data(as_text=True)
    )
    rows = _results(html)
    assert rows.index(site.number) < rows.index(once.number)
    assert lamp.number not in rows
    assert "<mark>工地</mark>" in rows
    assert "<mark>施工</mark>" in rows
    assert "按内容和地址中的词语" in html


def test_filters_narrow_the_search_and_a_unit_sees_only_its_own(login, staff, clock) -> None:
    clock.set("2026-10-08T09:00:00+08:00")
    old = ticket_in(
        "accepted",
        unit=staff.unit,
        description="噪音扰民",
        district="东城区",
        now=utcnow() - timedelta(days=5),
    )
    new = ticket_in("dispatched", unit=staff.unit, description="噪音扰民", district="西城区")
    theirs = ticket_in("dispatched", unit=staff.other_unit, description="噪音扰民")
    _indexed()
    operator = login(staff.operator)

    def found(client, **query: str) -> str:
        response = client.get("/tickets", query_string=query)
        assert response.status_code == 200
        return _results(response.get_data(as_text=True))

    everything = found(operator, q="噪音")
    assert all(t.number in everything for t in (old, new, theirs))
    recent = found(operator, q="噪音", **{"from": "2026-10-07"})
    assert new.number in recent
    assert old.number not in recent
    east = found(operator, q="噪音", district="东城区")
    assert old.number in east
    assert new.number not in east
    accepted = found(operator, q="噪音", status="accepted")
    assert old.number in accepted
    assert new.number not in accepted
    other = found(operator, q="噪音", unit=staff.other_unit.code)
    assert theirs.number in other
    assert new.number not in other
    # Filters alone list the matching tickets newest first.
    listed = found(operator, district="西城区")
    assert new.number in listed
    assert old.number not in listed
    mine = found(login(staff.agent), q="噪音")
    assert old.number in mine
    assert new.number in mine
    assert theirs.number not in mine
    assert 'data-test="search-unit"' not in login(staff.agent).get("/tickets?q=噪音").get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "yesterday"}, "受理日期从"),
        ({"to": "2026-02-30"}, "至"),
        ({"status": "x"}, "状态"),
    ],
)
def test_a_bad_filter_is_400_naming_it(login, staff, query, field) -> None:
    response = login(staff.operator).get("/tickets", query_string={"q": "噪音", **query})
    assert response.status_code == 400
    errors = response.get_data(as_text=True).split('data-test="search-errors"')[1]
    assert field in errors.split("</div>")[0]
