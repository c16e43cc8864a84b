"""The inspectors' campaign pages: every unit's negative list to approve or send back, overdue
milestones (also on the dashboard's front page), and commitments with their breaches."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from hotline.campaign.commitments import service as commitments
from hotline.campaign.commitments.models import CommitmentBreach
from hotline.campaign.lists import service as lists
from hotline.core.actor import Actor
from hotline.core.extensions import db
from hotline.escalations.models import CreditRecord
from tests.factories import ticket_in


def _item(staff, title: str = "办证找熟人", due: str = "2026-10-15"):
    return lists.create_item(
        unit=staff.unit,
        actor=Actor.of(staff.head),
        title=title,
        milestones=[{"step": "公布清单", "due": date.fromisoformat(due)}],
    )


def test_the_inspector_approves_a_pending_item(login, staff, clock) -> None:
    item = _item(staff)
    client = login(staff.inspector)
    page = client.get("/dashboard/negative-lists").get_data(as_text=True)
    assert "办证找熟人" in page
    assert staff.unit.name in page
    client.post(f"/dashboard/negative-lists/{item.id}/approve", data={"version": str(item.version)})
    db.session.refresh(item)
    assert item.status == "approved"
    approved = client.get("/dashboard/negative-lists?status=approved").get_data(as_text=True)
    assert "办证找熟人" in approved


def test_the_inspector_sends_an_item_back_with_a_reason(login, staff, clock) -> None:
    item = _item(staff)
    client = login(staff.inspector)
    client.post(f"/dashboard/negative-lists/{item.id}/reject", data={"reason": ""})
    db.session.refresh(item)
    assert item.status == "pending"  # no reason, no sending back
    client.post(f"/dashboard/negative-lists/{item.id}/reject", data={"reason": "时限过长"})
    db.session.refresh(item)
    assert (item.status, item.return_reason) == ("returned", "时限过长")
    head_page = login(staff.head).get("/workbench/negative-list").get_data(as_text=True)
    assert "时限过长" in head_page


def test_a_stale_approval_is_refused(login, staff, clock) -> None:
    item = _item(staff)
    version = item.version
    lists.update_item(item=item, actor=Actor.of(staff.head), changes={"title": "新标题"})
    db.session.flush()
    client = login(staff.inspector)
    client.post(f"/dashboard/negative-lists/{item.id}/approve", data={"version": str(version)})
    db.session.refresh(item)
    assert item.status == "pending"


def test_overdue_milestones_show_on_the_front_page_and_the_list(login, staff, clock) -> None:
    clock.set("2026-10-01T09:00:00+08:00")
    _item(staff, "超期事项", due="2026-10-10")
    clock.set("2026-10-20T09:00:00+08:00")
    client = login(staff.inspector)
    front = client.get("/dashboard").get_data(as_text=True)
    assert 'data-test="milestones-panel"' in front
    assert "超期事项" in front
    assert "逾期 10 天" in front
    listed = client.get("/dashboard/negative-lists").get_data(as_text=True)
    assert "逾期未完成的实施节点" in listed


def test_unknown_filters_are_dropped_not_errors(login, staff, clock) -> None:
    client = login(staff.inspector)
    assert client.get("/dashboard/negative-lists?unit=NOPE&status=x").status_code == 200
    assert client.get("/dashboard/commitments?unit=" + "x" * 500 + "&status=x").status_code == 200


def test_the_inspector_records_a_breach_from_the_commitments_board(login, staff, clock) -> None:
    made = commitments.create(actor=Actor.of(staff.head), unit=staff.unit.code, text="当场受理")
    number = ticket_in("accepted", unit=staff.unit).number
    client = login(staff.inspector)
    assert "当场受理" in client.get("/dashboard/commitments").get_data(as_text=True)
    client.post(f"/dashboard/commitments/{made.id}/breaches", data={"ticket": "20260101-999999"})
    assert db.session.scalar(select(CommitmentBreach.id)) is None
    client.post(
        f"/dashboard/commitments/{made.id}/breaches", data={"ticket": number, "note": "推诿"}
    )
    assert db.session.scalar(select(CommitmentBreach.ticket_id)) is not None
    board = client.get("/dashboard/commitments").get_data(as_text=True)
    assert number in board
    assert "推诿" in board
    credit = client.get(f"/dashboard/units/{staff.unit.code}/credit").get_data(as_text=True)
    assert "违反单位承诺" in credit
    assert db.session.scalar(
        select(CreditRecord.id).where(CreditRecord.type == "commitment_breached")
    )


def test_only_inspectors_see_the_boards(login, staff, clock) -> None:
    for user in (staff.operator, staff.head, staff.admin):
        client = login(user)
        assert client.get("/dashboard/negative-lists").status_code == 403
        assert client.get("/dashboard/commitments").status_code == 403
