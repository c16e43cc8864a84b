"""The ticket page's breach form: operators, supervisors and inspectors link the ticket to the
public commitment of its unit that it breaks; nobody else sees the form."""

from __future__ import annotations

from sqlalchemy import select

from hotline.campaign.commitments import service as commitments
from hotline.campaign.commitments.models import CommitmentBreach
from hotline.core.actor import Actor
from hotline.core.extensions import db
from hotline.tickets.models import TicketEvent
from tests.factories import ticket_in

INSPECTOR = Actor(role="inspector", label="inspector")


def test_an_operator_links_the_ticket_to_the_commitment_it_breaks(login, staff, clock) -> None:
    made = commitments.create(actor=INSPECTOR, unit=staff.unit.code, text="材料齐全当场受理")
    commitments.create(actor=INSPECTOR, unit=staff.other_unit.code, text="别的单位的承诺")
    ticket = ticket_in("accepted", unit=staff.unit)
    client = login(staff.operator)
    page = client.get(f"/tickets/{ticket.number}").get_data(as_text=True)
    assert 'data-test="commitment-breach"' in page
    assert "材料齐全当场受理" in page
    assert "别的单位的承诺" not in page
    client.post(
        f"/tickets/{ticket.number}/breach", data={"commitment": str(made.id), "note": "推诿"}
    )
    breach = db.session.scalar(select(CommitmentBreach))
    assert (breach.commitment_id, breach.ticket_id, breach.note) == (made.id, ticket.id, "推诿")
    timeline = client.get(f"/tickets/{ticket.number}").get_data(as_text=True)
    assert "违反承诺" in timeline
    types = db.session.scalars(select(TicketEvent.type).where(TicketEvent.ticket_id == ticket.id))
    assert "commitment_breached" in list(types)


def test_another_units_commitment_is_refused(login, staff, clock) -> None:
    theirs = commitments.create(actor=INSPECTOR, unit=staff.other_unit.code, text="别的单位的")
    ticket = ticket_in("accepted", unit=staff.unit)
    client = login(staff.supervisor)
    client.post(f"/tickets/{ticket.number}/breach", data={"commitment": str(theirs.id)})
    client.post(f"/tickets/{ticket.number}/breach", data={"commitment": "not-a-number"})
    assert db.session.scalar(select(CommitmentBreach.id)) is None


def test_unit_staff_see_no_breach_form(login, staff, clock) -> None:
    commitments.create(actor=INSPECTOR, unit=staff.unit.code, text="当场受理")
    ticket = ticket_in("accepted", unit=staff.unit)
    for user in (staff.agent, staff.head):
        client = login(user)
        page = client.get(f"/tickets/{ticket.number}").get_data(as_text=True)
        assert 'data-test="commitment-breach"' not in page
        response = client.post(f"/tickets/{ticket.number}/breach", data={"commitment": "1"})
        assert response.status_code == 403
