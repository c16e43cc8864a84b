"""疑似重复 where staff work: the ticket page (one-click 并单 or 不是重复 for the hotline, the flag
alone for the unit), the unit's workbench, the triage queue, and the API."""

from __future__ import annotations

from sqlalchemy import select

from hotline.auth.tokens import issue_token
from hotline.core.extensions import db
from hotline.tickets import duplicates
from hotline.tickets.models import Ticket, TicketEvent
from tests.factories import new_ticket, ticket_in


def _flagged(later: Ticket, original: Ticket) -> Ticket:
    duplicates.check(later)
    assert later.possible_duplicate_of_id == original.id
    db.session.commit()
    return later


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_the_hotline_sees_the_flag_and_merges_with_one_click(staff, login):
    original = ticket_in("dispatched", unit=staff.unit, phone="13900000001")
    later = _flagged(ticket_in("triage", unit=staff.unit, phone="13900000001"), original)
    client = login(staff.operator)

    html = _html(client.get(f"/tickets/{later.number}"))
    assert "疑似重复：" in html
    assert f'data-test="duplicate-of">{original.number}' in html
    assert "同一来电号码" in html
    assert 'data-test="merge-duplicate"' in html
    assert 'data-test="not-duplicate"' in html

    done = client.post(
        f"/tickets/{later.number}/merge",
        data={"into": original.number, "version": later.version, "reason": "重复诉求"},
    )
    assert done.status_code == 302
    db.session.refresh(later)
    assert (later.status, later.merged_into_id) == ("merged", original.id)
    assert 'data-test="possible-duplicate"' not in _html(client.get(f"/tickets/{later.number}"))


def test_not_a_duplicate_from_the_page_clears_the_flag(staff, login):
    original = ticket_in("dispatched", unit=staff.unit, phone="13900000001")
    later = _flagged(ticket_in("triage", unit=staff.unit, phone="13900000001"), original)
    client = login(staff.supervisor)
    done = client.post(f"/tickets/{later.number}/not-duplicate", data={"version": later.version})
    assert done.status_code == 302
    db.session.refresh(later)
    assert later.possible_duplicate_of_id is None
    assert db.session.scalar(
        select(TicketEvent.id).where(
            TicketEvent.ticket_id == later.id, TicketEvent.type == "duplicate_dismissed"
        )
    )
    assert 'data-test="possible-duplicate"' not in _html(client.get(f"/tickets/{later.number}"))


def test_the_unit_sees_the_flag_but_no_merge(staff, login):
    original = ticket_in("dispatched", unit=staff.unit, phone="13900000001")
    later = _flagged(ticket_in("dispatched", unit=staff.unit, phone="13900000001"), original)
    client = login(staff.agent)

    html = _html(client.get(f"/tickets/{later.number}"))
    assert "疑似重复：" in html
    assert 'data-test="merge-duplicate"' not in html
    assert 'data-test="not-duplicate"' not in html
    listing = _html(client.get("/workbench?tab=to_accept"))
    assert f"疑似重复：{original.number}" in listing
    refused = client.post(f"/tickets/{later.number}/not-duplicate", data={})
    assert refused.status_code == 403


def test_the_triage_queue_shows_the_flag(staff, login):
    original = ticket_in("triage", unit=staff.unit, phone="13900000001")
    later = _flagged(ticket_in("triage", unit=staff.unit, phone="13900000001"), original)
    listing = _html(login(staff.operator).get("/console/triage"))
    assert f"疑似重复：{original.number}" in listing
    assert listing.count('data-test="dup-badge"') == 1
    assert later.number in listing


def test_the_api_names_the_flag_and_dismisses_it(staff, client):
    original = ticket_in("dispatched", unit=staff.unit, phone="13900000001")
    later = _flagged(ticket_in("triage", unit=staff.unit, phone="13900000001"), original)
    unflagged = new_ticket(phone="13900000009")
    db.session.commit()

    def auth(user) -> dict:
        return {"Authorization": f"Bearer {issue_token(user)}"}

    read = client.get(f"/api/v1/tickets/{later.number}", headers=auth(staff.operator))
    assert read.get_json()["possible_duplicate_of"] == original.number
    listed = client.get("/api/v1/tickets?per_page=50", headers=auth(staff.operator)).get_json()
    by_number = {t["number"]: t for t in listed["items"]}
    assert by_number[later.number]["possible_duplicate_of"] == original.number
    assert by_number[original.number]["possible_duplicate_of"] is None

    url = f"/api/v1/tickets/{later.number}/not-duplicate"
    assert client.post(url, json={}, headers=auth(staff.agent)).status_code in (403, 404)
    too_long = client.post(url, json={"reason": "x" * 2001}, headers=auth(staff.operator))
    assert too_long.status_code == 422
    assert "reason" in str(too_long.get_json())
    junk = client.post(url, json={"version": "abc"}, headers=auth(staff.operator))
    assert junk.status_code == 422
    done = client.post(url, json={"reason": "不同诉求"}, headers=auth(staff.operator))
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["possible_duplicate_of"] is None
    again = client.post(url, json={}, headers=auth(staff.operator))
    assert again.status_code == 409
    none = client.post(
        f"/api/v1/tickets/{unflagged.number}/not-duplicate", json={}, headers=auth(staff.operator)
    )
    assert none.status_code == 409
    unknown = client.post(
        "/api/v1/tickets/20990101-000001/not-duplicate", json={}, headers=auth(staff.operator)
    )
    assert unknown.status_code == 404
