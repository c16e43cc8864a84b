"""直接办结 from the ticket page: a consultation waiting in triage (from SMS, the web…) is
answered and closed by an operator; nobody else is offered it."""

from __future__ import annotations

from hotline.core.extensions import db
from hotline.tickets import transitions as tx
from hotline.tickets.models import Ticket
from tests.factories import new_ticket


def test_an_operator_answers_a_triaged_consultation_from_its_page(login, staff, clock) -> None:
    ticket = tx.route(
        new_ticket(channel="sms", kind="consultation", description="社保卡丢了怎么补办")
    )
    number = ticket.number
    client = login(staff.operator)
    page = client.get(f"/tickets/{number}").get_data(as_text=True)
    assert f'action="/tickets/{number}/resolve-at-source"' in page
    response = client.post(
        f"/tickets/{number}/resolve-at-source",
        data={"text": "社保卡可到任一合作银行网点补办。", "version": str(ticket.version)},
    )
    assert response.status_code == 302
    ticket = db.session.get(Ticket, ticket.id)
    assert ticket.status == "closed"
    page = client.get(f"/tickets/{number}").get_data(as_text=True)
    assert "直接办结" in page
    assert "社保卡可到任一合作银行网点补办。" in page


def test_a_complaint_or_a_unit_never_sees_the_button(login, staff, clock) -> None:
    complaint = tx.route(new_ticket(kind="complaint"))
    consultation = tx.route(new_ticket(kind="consultation"))
    action = 'action="/tickets/{}/resolve-at-source"'
    html = login(staff.operator).get(f"/tickets/{complaint.number}").get_data(as_text=True)
    assert action.format(complaint.number) not in html
    html = login(staff.inspector).get(f"/tickets/{consultation.number}").get_data(as_text=True)
    assert action.format(consultation.number) not in html


def test_a_junk_article_number_is_a_message_naming_it(login, staff, clock) -> None:
    ticket = tx.route(new_ticket(kind="consultation"))
    client = login(staff.operator)
    response = client.post(
        f"/tickets/{ticket.number}/resolve-at-source", data={"text": "答复", "article": "abc"}
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "article is invalid" in page
    assert db.session.get(Ticket, ticket.id).status == "triage"
