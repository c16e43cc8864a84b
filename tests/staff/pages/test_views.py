"""The shared ticket page: the timeline, the viewer's actions, who may see it, audited reads."""

from __future__ import annotations

from sqlalchemy import func, select

from hotline.audit.models import AuditEntry
from hotline.core.extensions import db
from hotline.tickets import transitions as tx
from tests.factories import escalated, ticket_in, unit_actor


def _audits() -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == "read_personal_data")
    )


def test_timeline_shows_who_when_what_and_why_in_local_time(login, staff, clock) -> None:
    clock.set("2026-09-30T10:00:00+08:00")
    ticket = ticket_in("dispatched", unit=staff.unit)
    tx.request_return(ticket, actor=unit_actor(staff.unit), reason="属于住建部门")
    body = login(staff.operator).get(f"/tickets/{ticket.number}").get_data(as_text=True)
    assert "2026-09-30 10:00" in body  # local time, not UTC 02:00
    assert "受理登记" in body
    assert "派单" in body
    assert "申请退单" in body
    assert "属于住建部门" in body
    assert "2026-10-14 00:00" in body  # the resolve deadline recorded at dispatch (DESIGN §3)
    assert "test-operator" in body  # who dispatched


def test_escalations_appear_on_the_ticket_page(login, staff, clock) -> None:
    escalated(ticket := ticket_in("accepted", unit=staff.unit))
    body = login(staff.inspector).get(f"/tickets/{ticket.number}").get_data(as_text=True)
    assert "lvl-overdue" in body


def test_actions_offered_depend_on_role_and_status(login, staff, clock) -> None:
    number = ticket_in("dispatched", unit=staff.unit).number
    agent_page = login(staff.agent).get(f"/tickets/{number}").get_data(as_text=True)
    assert f"/tickets/{number}/accept" in agent_page
    assert f"/tickets/{number}/dispatch" not in agent_page
    operator_page = login(staff.operator).get(f"/tickets/{number}").get_data(as_text=True)
    assert f"/tickets/{number}/dispatch" in operator_page
    assert f"/tickets/{number}/accept" not in operator_page
    inspector_page = login(staff.inspector).get(f"/tickets/{number}").get_data(as_text=True)
    assert "/accept" not in inspector_page
    assert "/dispatch" not in inspector_page


def test_only_supervisors_get_reject_and_approval_buttons(login, staff, clock) -> None:
    number = ticket_in("triage", unit=staff.unit).number
    assert f"/tickets/{number}/reject" in login(staff.supervisor).get(
        f"/tickets/{number}"
    ).get_data(as_text=True)
    assert f"/tickets/{number}/reject" not in login(staff.operator).get(
        f"/tickets/{number}"
    ).get_data(as_text=True)


def test_unmasked_reads_by_staff_are_audited(login, staff, clock) -> None:
    number = ticket_in("dispatched", unit=staff.unit, phone="13812345678").number
    before = _audits()
    body = login(staff.operator).get(f"/tickets/{number}").get_data(as_text=True)
    assert "+8613812345678" in body
    assert _audits() == before + 1


def test_masked_reads_by_unit_staff_are_not_audited_as_personal_data(login, staff, clock) -> None:
    number = ticket_in("dispatched", unit=staff.unit, phone="13812345678").number
    before = _audits()
    body = login(staff.agent).get(f"/tickets/{number}").get_data(as_text=True)
    assert "138****5678" in body
    assert _audits() == before


def test_unknown_ticket_is_404(login, staff) -> None:
    response = login(staff.operator).get("/tickets/20260101-999999")
    assert response.status_code == 404
    assert "页面或工单不存在" in response.get_data(as_text=True)


def test_lookup_box_goes_to_the_ticket(login, staff, clock) -> None:
    number = ticket_in("dispatched", unit=staff.unit).number
    response = login(staff.inspector).get(f"/tickets?number={number}")
    assert response.headers["Location"] == f"/tickets/{number}"


def test_english_ticket_page(login, staff, clock) -> None:
    number = ticket_in("dispatched", unit=staff.unit).number
    body = login(staff.operator).get(f"/tickets/{number}?lang=en").get_data(as_text=True)
    assert "Timeline" in body
    assert "To accept" in body
    assert "Registered" in body


def test_page_and_api_agree_on_a_confidential_tickets_place(login, staff, clock) -> None:
    from hotline.core.actor import Actor
    from hotline.tickets.visibility import personal_view

    clock.set("2026-10-09T09:00:00+08:00")
    ticket = ticket_in(
        "dispatched", unit=staff.unit, confidential=True, address="幸福路12号3单元502"
    )
    html = login(staff.agent).get(f"/tickets/{ticket.number}").get_data(as_text=True)
    assert "幸福路12号3单元502" not in html
    assert "保密" in html
    view = personal_view(ticket, Actor.of(staff.agent))
    assert (view.address, view.phone, view.full) == (None, None, False)


def test_a_supervisor_approves_publication_on_the_ticket_page(login, staff, clock) -> None:
    from hotline.auth.users import create_user

    clock.set("2026-10-09T09:00:00+08:00")
    ticket = ticket_in(
        "dispatched",
        unit=staff.unit,
        publish_consent=True,
        description="幸福路12号噪音扰民，电话13812345678",
    )
    supervisor = create_user(
        username="pub-sup", password="correct horse battery", role="supervisor"
    )
    client = login(supervisor)
    html = client.get(f"/tickets/{ticket.number}").get_data(as_text=True)
    assert 'data-test="publish"' in html
    assert "幸福路*号噪音扰民，电话[电话]" in html  # offered redacted
    response = client.post(f"/tickets/{ticket.number}/publish", data={"text": "幸福路*号噪音扰民"})
    assert response.status_code == 302
    assert ticket.public_text == "幸福路*号噪音扰民"
    assert ticket.published_at is not None
    # Unit staff see no publication card; operators may not approve.
    assert 'data-test="publication"' not in login(staff.agent).get(
        f"/tickets/{ticket.number}"
    ).get_data(as_text=True)
    assert login(staff.operator).post(f"/tickets/{ticket.number}/publish").status_code == 403
