"""The unit workbench: own tickets only, masked data, accept/return/extend/reply, the heads'
escalation and interview pages (their written answers: test_answer_views.py)."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from hotline.core.clock import utcnow
from hotline.core.extensions import db
from hotline.escalations.models import InterviewCase
from hotline.tickets.models import Escalation, Ticket, TicketEvent, TicketRequest
from tests.factories import ticket_in


def _ticket(number: str) -> Ticket:
    return db.session.scalar(select(Ticket).where(Ticket.number == number))


def test_to_accept_tab_lists_only_my_units_tickets(login, staff, clock) -> None:
    mine = ticket_in("dispatched", unit=staff.unit).number
    theirs = ticket_in("dispatched", unit=staff.other_unit).number
    body = login(staff.agent).get("/workbench").get_data(as_text=True)
    assert mine in body
    assert theirs not in body


def test_phone_is_masked_and_name_hidden_without_consent(login, staff, clock) -> None:
    ticket_in("dispatched", unit=staff.unit, phone="13812345678", name="李四")
    body = login(staff.agent).get("/workbench").get_data(as_text=True)
    assert "138****5678" in body
    assert "13812345678" not in body
    assert "李四" not in body


def test_name_shown_when_the_complainant_agreed(login, staff, clock) -> None:
    ticket_in("dispatched", unit=staff.unit, name="李四", disclose_identity=True)
    assert "李四" in login(staff.agent).get("/workbench").get_data(as_text=True)


def test_confidential_ticket_shows_no_personal_data(login, staff, clock) -> None:
    number = ticket_in(
        "dispatched",
        unit=staff.unit,
        phone="13812345678",
        name="李四",
        confidential=True,
        disclose_identity=True,
        address="幸福路 8 号",
    ).number
    client = login(staff.agent)
    for body in (
        client.get("/workbench").get_data(as_text=True),
        client.get(f"/tickets/{number}").get_data(as_text=True),
    ):
        assert "5678" not in body
        assert "李四" not in body
        assert "幸福路" not in body


def test_accept_moves_the_ticket_to_in_progress_with_a_countdown(login, staff, clock) -> None:
    clock.set("2026-10-09T09:00:00+08:00")
    number = ticket_in("dispatched", unit=staff.unit).number
    client = login(staff.agent)
    client.post(f"/tickets/{number}/accept", data={"next": "/workbench"})
    assert _ticket(number).status == "accepted"
    body = client.get("/workbench?tab=in_progress").get_data(as_text=True)
    assert number in body
    assert "cd-ok" in body


def test_overdue_deadline_turns_the_countdown_red(login, staff, clock) -> None:
    clock.set("2026-10-09T09:00:00+08:00")
    number = ticket_in("accepted", unit=staff.unit).number
    clock.set("2026-11-30T09:00:00+08:00")
    body = login(staff.agent).get("/workbench?tab=in_progress").get_data(as_text=True)
    row = body.split(f'data-ticket="{number}"')[1].split("</tr>")[0]
    assert "cd-over" in row
    assert "超时" in row


def test_return_with_reason_and_suggested_unit_shows_in_returned_tab(login, staff, clock) -> None:
    number = ticket_in("dispatched", unit=staff.unit).number
    client = login(staff.agent)
    client.post(
        f"/tickets/{number}/return",
        data={"reason": "属于住建部门职责", "suggested_unit": staff.other_unit.code},
    )
    request = db.session.scalar(select(TicketRequest).where(TicketRequest.type == "return"))
    assert request.suggested_unit_id == staff.other_unit.id
    assert number in client.get("/workbench?tab=returned").get_data(as_text=True)


def test_return_without_reason_is_refused_with_the_field_named(login, staff, clock) -> None:
    number = ticket_in("dispatched", unit=staff.unit).number
    client = login(staff.agent)
    response = client.post(f"/tickets/{number}/return", data={"reason": ""})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "reason" in page
    assert db.session.scalar(select(TicketRequest)) is None


def test_extension_request_records_days(login, staff, clock) -> None:
    number = ticket_in("accepted", unit=staff.unit).number
    login(staff.agent).post(f"/tickets/{number}/extension", data={"days": "3", "reason": "需检测"})
    request = db.session.scalar(select(TicketRequest).where(TicketRequest.type == "extension"))
    assert request.days == 3


def test_extension_with_non_numeric_days_is_a_message(login, staff, clock) -> None:
    number = ticket_in("accepted", unit=staff.unit).number
    client = login(staff.agent)
    response = client.post(f"/tickets/{number}/extension", data={"days": "abc", "reason": "x"})
    assert response.status_code == 302
    assert "days" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_reply_with_attachment_saves_a_safe_file_and_links_it(
    app, login, staff, clock, tmp_path
) -> None:
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    try:
        number = ticket_in("accepted", unit=staff.unit).number
        client = login(staff.agent)
        client.post(
            f"/tickets/{number}/reply",
            data={"text": "已处理完毕", "files": (io.BytesIO(b"%PDF-1.4"), "../../etc/现场.pdf")},
            content_type="multipart/form-data",
        )
        ticket = _ticket(number)
        assert ticket.status == "replied"
        event = db.session.scalar(
            select(TicketEvent).where(
                TicketEvent.ticket_id == ticket.id, TicketEvent.type == "replied"
            )
        )
        (url,) = event.data["media"]
        name = url.rsplit("/", 1)[1]
        assert name.endswith(".pdf")
        assert "/" not in name
        assert ".." not in name
        assert (Path(tmp_path) / number / name).read_bytes() == b"%PDF-1.4"
        assert client.get(url).data == b"%PDF-1.4"
        # Another unit's staff cannot fetch the attachment, even knowing its random name.
        assert login(staff.other_agent).get(url).status_code == 404
    finally:
        app.config["UPLOAD_FOLDER"] = ""  # the declared default: instance/uploads


def test_reply_rejects_an_executable_attachment(app, login, staff, clock, tmp_path) -> None:
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    try:
        number = ticket_in("accepted", unit=staff.unit).number
        login(staff.agent).post(
            f"/tickets/{number}/reply",
            data={"text": "已处理", "files": (io.BytesIO(b"MZ"), "run.exe")},
            content_type="multipart/form-data",
        )
        assert _ticket(number).status == "accepted"
        assert list(Path(tmp_path).iterdir()) == []
    finally:
        app.config["UPLOAD_FOLDER"] = ""  # the declared default: instance/uploads


def test_replied_and_awaiting_rating_tabs(login, staff, clock) -> None:
    number = ticket_in("replied", unit=staff.unit).number
    client = login(staff.agent)
    assert number in client.get("/workbench?tab=replied").get_data(as_text=True)
    assert number in client.get("/workbench?tab=rating").get_data(as_text=True)


def test_another_units_ticket_is_not_found(login, staff, clock) -> None:
    number = ticket_in("dispatched", unit=staff.unit).number
    client = login(staff.other_agent)
    assert client.get(f"/tickets/{number}").status_code == 404
    assert client.post(f"/tickets/{number}/accept").status_code == 404
    assert _ticket(number).status == "dispatched"


def _escalation_and_case(staff, number: str) -> int:
    ticket = _ticket(number)
    now = utcnow()
    db.session.add(
        Escalation(
            ticket_id=ticket.id,
            unit_id=staff.unit.id,
            level="supervision",
            deadline=now - timedelta(days=3),
            created_at=now,
            note="超期 3 个工作日",
        )
    )
    case = InterviewCase(
        unit_id=staff.unit.id,
        status="held",
        trigger="ticket_overdue",
        reason="工单超期办理",
        opened_at=now,
        commitment="一周内整改",
        commitment_due=now + timedelta(days=7),
        committed_at=now,
    )
    db.session.add(case)
    db.session.flush()
    return case.id


def test_unit_head_sees_escalations_and_submits_rectification(login, staff, clock) -> None:
    number = ticket_in("accepted", unit=staff.unit).number
    case_id = _escalation_and_case(staff, number)
    client = login(staff.head)
    assert number in client.get("/workbench/escalations").get_data(as_text=True)
    assert "工单超期办理" in client.get("/workbench/interviews").get_data(as_text=True)
    client.post(f"/workbench/interviews/{case_id}/rectify", data={"evidence": "已建立台账"})
    case = db.session.get(InterviewCase, case_id)
    assert case.status == "rectified"
    assert case.evidence == "已建立台账"


def test_unit_agents_may_not_open_the_heads_pages(login, staff) -> None:
    client = login(staff.agent)
    assert client.get("/workbench/escalations").status_code == 403
    assert client.get("/workbench/interviews").status_code == 403
    assert client.post("/workbench/interviews/1/rectify", data={"evidence": "x"}).status_code == 403


def test_other_units_head_sees_none_of_our_escalations(login, staff, clock) -> None:
    from tests.factories import UserFactory

    number = ticket_in("accepted", unit=staff.unit).number
    _escalation_and_case(staff, number)
    other_head = UserFactory(role="unit_head", unit=staff.other_unit)
    client = login(other_head)
    assert number not in client.get("/workbench/escalations").get_data(as_text=True)
    assert "工单超期办理" not in client.get("/workbench/interviews").get_data(as_text=True)


def test_hotline_and_oversight_roles_may_not_open_the_workbench(login, staff) -> None:
    for user in (staff.operator, staff.inspector, staff.admin):
        assert login(user).get("/workbench").status_code == 403


@pytest.mark.parametrize("status", ["dispatched", "replied"])
def test_a_refused_reply_leaves_no_attachment_on_disk(
    app, login, staff, clock, tmp_path, status
) -> None:
    """Checks come before the files are written (issue 14, item 7)."""
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    try:
        number = ticket_in(status, unit=staff.unit).number
        response = login(staff.agent).post(
            f"/tickets/{number}/reply",
            data={"text": "已处理", "files": (io.BytesIO(b"%PDF-1.4" + b"0" * 4096), "现场.pdf")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 302
        assert _ticket(number).status == status
        assert list(Path(tmp_path).rglob("*.pdf")) == []
    finally:
        app.config["UPLOAD_FOLDER"] = ""  # the declared default, not a missing key


def test_a_reply_that_fails_after_saving_removes_its_files(
    app, login, staff, clock, tmp_path, monkeypatch
) -> None:
    from hotline.core.errors import ValidationFailed
    from hotline.tickets.transitions.registry import Transition

    app.config["UPLOAD_FOLDER"] = str(tmp_path)

    def refuse(*_args, **_kwargs):
        raise ValidationFailed("text is required", fields={"text": ["required"]})

    monkeypatch.setattr(Transition, "perform", refuse)  # fails after the checks passed
    try:
        number = ticket_in("accepted", unit=staff.unit).number
        login(staff.agent).post(
            f"/tickets/{number}/reply",
            data={"text": "已处理", "files": (io.BytesIO(b"%PDF-1.4"), "现场.pdf")},
            content_type="multipart/form-data",
        )
        assert list(Path(tmp_path).rglob("*.pdf")) == []
    finally:
        app.config["UPLOAD_FOLDER"] = ""  # the declared default, not a missing key
