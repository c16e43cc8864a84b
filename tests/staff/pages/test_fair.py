"""Appeals and the inspector's extension on the ticket page: the right buttons, the form posts."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from hotline.core.actor import Actor
from hotline.core.extensions import db
from hotline.tickets import transitions as tx
from hotline.tickets.models import Ticket, TicketEvent, TicketRequest
from tests.factories import ticket_in, unit_actor


def _buttons(body: str, number: str) -> set[str]:
    return set(re.findall(rf'action="/tickets/{number}/([a-z/]+)"', body))


def _rated_badly(staff) -> Ticket:
    ticket = ticket_in("replied", unit=staff.unit)
    tx.rate(ticket, actor=Actor.complainant(), rating=1)
    return ticket


@pytest.fixture
def uploads(app, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    try:
        yield Path(tmp_path)
    finally:
        app.config["UPLOAD_FOLDER"] = ""  # the declared default: instance/uploads


def test_the_unit_appeals_from_the_page_with_an_attachment(login, staff, clock, uploads) -> None:
    ticket = _rated_badly(staff)
    client = login(staff.head)
    page = client.get(f"/tickets/{ticket.number}").get_data(as_text=True)
    assert "appeal" in _buttons(page, ticket.number)
    assert "差评申诉" in page
    client.post(
        f"/tickets/{ticket.number}/appeal",
        data={
            "reason": "诉求人要求超出法定范围",
            "evidence": "已依法答复，见附件",
            "files": (io.BytesIO(b"%PDF-1.4"), "答复依据.pdf"),
        },
        content_type="multipart/form-data",
    )
    request = db.session.scalar(select(TicketRequest).where(TicketRequest.type == "appeal"))
    assert (request.status, request.evidence) == ("pending", "已依法答复，见附件")
    event = db.session.scalar(select(TicketEvent).where(TicketEvent.type == "appeal_requested"))
    (link,) = event.data["media"]
    assert client.get(link).data == b"%PDF-1.4"
    page = client.get(f"/tickets/{ticket.number}").get_data(as_text=True)
    assert "appeal" not in _buttons(page, ticket.number)  # one pending at a time
    assert "已依法答复，见附件" in page


def test_a_refused_appeal_leaves_no_file_and_says_why(login, staff, clock, uploads) -> None:
    ticket = ticket_in("replied", unit=staff.unit)  # not rated
    client = login(staff.agent)
    response = client.post(
        f"/tickets/{ticket.number}/appeal",
        data={"reason": "不公", "evidence": "录音", "files": (io.BytesIO(b"%PDF-1.4"), "a.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert "no rating" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert list(uploads.rglob("*.pdf")) == []
    assert db.session.scalar(select(TicketRequest).where(TicketRequest.type == "appeal")) is None


def test_the_inspector_decides_on_the_page_and_supervisors_are_not_asked(
    login, staff, clock
) -> None:
    ticket = _rated_badly(staff)
    tx.request_appeal(ticket, actor=unit_actor(staff.unit), reason="不公", evidence="录音")
    db.session.commit()
    page = login(staff.supervisor).get(f"/tickets/{ticket.number}").get_data(as_text=True)
    assert not {"appeal/approve", "appeal/deny"} & _buttons(page, ticket.number)
    queue = login(staff.supervisor).get("/console/requests").get_data(as_text=True)
    assert ticket.number not in queue  # the supervisors' queue is returns and extensions
    client = login(staff.inspector)
    page = client.get(f"/tickets/{ticket.number}").get_data(as_text=True)
    assert {"appeal/approve", "appeal/deny"} <= _buttons(page, ticket.number)
    assert "申诉成立" in page
    client.post(f"/tickets/{ticket.number}/appeal/approve", data={"reason": "证据充分"})
    request = db.session.scalar(select(TicketRequest).where(TicketRequest.type == "appeal"))
    assert request.status == "approved"
    page = client.get(f"/tickets/{ticket.number}").get_data(as_text=True)
    assert "申诉成立" in page  # the timeline's event
    for user in (staff.agent, staff.head):  # decided: not offered again for this rating
        page = login(user).get(f"/tickets/{ticket.number}").get_data(as_text=True)
        assert "appeal" not in _buttons(page, ticket.number)
    workbench = login(staff.agent).get("/workbench?tab=in_progress").get_data(as_text=True)
    assert f'action="/tickets/{ticket.number}/appeal"' not in workbench
    assert "appealed" not in workbench


def test_an_inspector_grants_an_extension_from_the_page(login, staff, clock) -> None:
    clock.set("2026-09-30T10:00:00+08:00")
    ticket = ticket_in("accepted", unit=staff.unit)
    client = login(staff.inspector)
    assert "extension/grant" in _buttons(
        client.get(f"/tickets/{ticket.number}").get_data(as_text=True), ticket.number
    )
    client.post(f"/tickets/{ticket.number}/extension/grant", data={"days": "10", "reason": "督查"})
    db.session.refresh(ticket)
    assert ticket.resolve_due_at.isoformat() == "2026-10-27T16:00:00+00:00"
    page = client.get(f"/tickets/{ticket.number}").get_data(as_text=True)
    assert "督查批准延期" in page
    assert "2026-10-28 00:00" in page
    agent_page = login(staff.agent).get(f"/tickets/{ticket.number}").get_data(as_text=True)
    assert "extension/grant" not in _buttons(agent_page, ticket.number)
