"""GET /api/v1/tickets?q=: words (Chinese full text, ranked), numbers and phones, the filters
(from, to, category, district, unit, status), role scoping, masking and hostile input."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hotline.core.clock import utcnow
from hotline.tickets import search
from hotline.tickets.jobs import write_search_words
from tests.factories import new_ticket, ticket_in
from tests.support.api import error_fields

PHONE = "+8613812345678"


def indexed(session) -> None:
    """Write the words the search-words job writes every 15 s."""
    search.reindex(commit=session.commit)


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [t["number"] for t in response.get_json()["items"]]


def ask(caller, **query: str):
    return caller.get("/api/v1/tickets", query_string=query)


def test_words_find_tickets_best_match_first(operator, session, clock):
    clock.set("2026-10-08T09:00:00+08:00")
    site = new_ticket(description="幸福路工地夜间施工噪音太大，工地每晚施工到凌晨")
    once = new_ticket(description="楼下饭店油烟大，偶尔也有施工的声音")
    other = new_ticket(description="路灯不亮，晚上看不清路")
    session.commit()
    indexed(session)
    found = numbers(ask(operator, q="工地施工"))
    assert found == [site.number, once.number]
    assert other.number not in numbers(ask(operator, q="施工"))
    # One character finds the words that hold it; full-width and case do not matter.
    assert numbers(ask(operator, q="灯")) == [other.number]
    assert ask(operator, q="工地施工").get_json()["total"] == 2


def test_the_address_is_searched_but_not_a_confidential_tickets(operator, agent, session, unit):
    shown = ticket_in("dispatched", unit=unit, description="垃圾没人清运", address="幸福路12号")
    hidden = ticket_in(
        "dispatched", unit=unit, description="垃圾没人清运", address="幸福路14号", confidential=True
    )
    session.commit()
    indexed(session)
    assert numbers(ask(operator, q="幸福路")) == [shown.number]
    assert numbers(ask(agent, q="幸福路")) == [shown.number]
    assert set(numbers(ask(agent, q="垃圾"))) == {shown.number, hidden.number}


def test_a_new_ticket_is_found_by_words_once_the_job_wrote_them(operator, session):
    ticket = new_ticket(description="井盖丢失，非常危险")
    session.commit()
    assert numbers(ask(operator, q="井盖")) == []  # no words yet
    assert numbers(ask(operator, q=ticket.number)) == [ticket.number]  # its number at once
    write_search_words()  # the search-words job, every 15 s
    assert numbers(ask(operator, q="井盖")) == [ticket.number]


def test_number_part_of_number_and_phone(operator, agent, session, unit):
    ours = ticket_in("dispatched", unit=unit, phone=PHONE)
    other = new_ticket(phone="+8613900000000")
    session.commit()
    assert numbers(ask(operator, q=ours.number)) == [ours.number]
    assert ours.number in numbers(ask(operator, q=ours.number[-6:]))
    assert numbers(ask(operator, q="138 1234 5678")) == [ours.number]
    assert numbers(ask(operator, q="5678")) == [ours.number]
    assert other.number not in numbers(ask(operator, q="5678"))
    # A unit's staff see phones masked: a phone matches nothing for them.
    assert numbers(ask(agent, q="13812345678")) == []
    assert numbers(ask(agent, q=ours.number)) == [ours.number]


def test_a_unit_finds_only_its_own_tickets_masked(agent, session, unit, other_unit):
    ours = ticket_in("dispatched", unit=unit, phone=PHONE, description="噪音扰民")
    ticket_in("dispatched", unit=other_unit, phone=PHONE, description="噪音扰民")
    session.commit()
    indexed(session)
    response = ask(agent, q="噪音")
    assert numbers(response) == [ours.number]
    item = response.get_json()["items"][0]
    assert item["complainant"]["phone"] == "138****5678"
    assert ask(agent, q="噪音", unit=other_unit.code).get_json()["items"] == []


def test_filters_by_day_district_unit_and_status(operator, agent, session, clock, unit, other_unit):
    clock.set("2026-10-08T09:00:00+08:00")
    old = ticket_in(
        "dispatched",
        unit=unit,
        description="噪音扰民",
        district="东城区",
        now=utcnow() - timedelta(days=3),
    )
    today = ticket_in("accepted", unit=unit, description="噪音扰民", district="西城区")
    secret = ticket_in(
        "dispatched", unit=unit, description="噪音扰民", district="东城区", confidential=True
    )
    elsewhere = ticket_in("dispatched", unit=other_unit, description="噪音扰民")
    session.commit()
    indexed(session)
    both = {old.number, today.number, secret.number, elsewhere.number}
    assert set(numbers(ask(operator, q="噪音"))) == both
    assert set(numbers(ask(operator, q="噪音", to="2026-10-05"))) == {old.number}
    assert set(numbers(ask(operator, q="噪音", **{"from": "2026-10-08"}))) == both - {old.number}
    assert numbers(ask(operator, q="噪音", status="accepted")) == [today.number]
    assert numbers(ask(operator, q="噪音", unit=other_unit.code)) == [elsewhere.number]
    assert set(numbers(ask(operator, q="噪音", district="东城区"))) == {old.number, secret.number}
    # A unit sees no place of a confidential ticket: the district filter must not reveal one.
    assert numbers(ask(agent, q="噪音", district="东城区")) == [old.number]
    # Without q the same filters narrow the plain list.
    assert set(numbers(ask(operator, district="东城区"))) == {old.number, secret.number}


def test_an_empty_q_is_the_plain_list(operator, session):
    made = [new_ticket().number for _ in range(3)]
    session.commit()
    assert numbers(ask(operator, q="")) == made[::-1]
    assert numbers(ask(operator, q="   ")) == made[::-1]


def test_bad_dates_are_422_naming_the_field(operator):
    assert "from" in error_fields(ask(operator, **{"from": "yesterday"}))
    assert "to" in error_fields(ask(operator, to="2026-13-40"))
    assert "from" in error_fields(ask(operator, **{"from": "1900-01-01"}))
    assert "to" in error_fields(ask(operator, **{"from": "2026-10-08", "to": "2026-10-01"}))
    assert "q" in error_fields(ask(operator, q="噪" * 10_001))


@pytest.mark.parametrize(
    "q",
    [
        "噪音" * 5_000,  # 10,000 characters: only the start is read
        "的了吗",  # stop words only: nothing to look for
        "！？。，",
        "' OR 1=1 --",
        "%_\\",
        "a & b | !c <-> d:*",  # tsquery operators are words here, never syntax
        "<script>alert(1)</script>",
        "\x00",
    ],
)
def test_hostile_queries_are_answered_cleanly(operator, session, q):
    ticket = new_ticket(description="噪音扰民")
    session.commit()
    indexed(session)
    response = ask(operator, q=q)
    if q == "\x00":
        assert response.status_code in (200, 422)
        return
    assert response.status_code == 200, response.get_json()
    found = numbers(response)
    assert found == ([ticket.number] if q.startswith("噪音") else [])


def test_a_search_pages_with_its_total_even_past_the_last_page(operator, session):
    made = [new_ticket(description=f"积水严重无法通行 {i}") for i in range(3)]
    session.commit()
    indexed(session)
    pages = [ask(operator, q="积水", per_page="2", page=str(n)).get_json() for n in (1, 2, 3)]
    assert [p["total"] for p in pages] == [3, 3, 3]
    assert [len(p["items"]) for p in pages] == [2, 1, 0]
    seen = {t["number"] for p in pages for t in p["items"]}
    assert seen == {t.number for t in made}
