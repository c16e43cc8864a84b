"""The head's campaign pages in the workbench: the negative list (add, edit, mark a milestone
done) and the public commitments (add, retire); only the head's own unit's."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from hotline.campaign.commitments import service as commitments
from hotline.campaign.commitments.models import Commitment
from hotline.campaign.lists import service as lists
from hotline.campaign.lists.models import NegativeListItem
from hotline.core.actor import Actor
from hotline.core.extensions import db


def _plan(form: dict, rows: list[tuple[str, str, str]]) -> dict:
    """A form body with plan rows (milestone_id, step, due), as the page posts them."""
    return {
        **form,
        "milestone_id": [r[0] for r in rows],
        "step": [r[1] for r in rows],
        "due": [r[2] for r in rows],
    }


def _items(unit) -> list[NegativeListItem]:
    return list(
        db.session.scalars(select(NegativeListItem).where(NegativeListItem.unit_id == unit.id))
    )


def _item(staff, title: str = "办证找熟人") -> NegativeListItem:
    return lists.create_item(
        unit=staff.unit,
        actor=Actor.of(staff.head),
        title=title,
        milestones=[{"step": "公布清单", "due": date(2026, 10, 15)}],
    )


def test_the_head_adds_an_item_with_its_plan(login, staff, clock) -> None:
    client = login(staff.head)
    assert client.get("/workbench/negative-list").status_code == 200
    body = _plan(
        {"title": "营业执照办理“托关系”", "measures": "一次告知", "responsible_person": "王科长"},
        [("", "公布材料清单", "2026-10-20"), ("", "", ""), ("", "上线留痕系统", "2026-11-30")],
    )
    response = client.post("/workbench/negative-list", data=body)
    assert response.status_code == 302
    [item] = _items(staff.unit)
    assert (item.title, item.status) == ("营业执照办理“托关系”", "pending")
    assert [m.step for m in item.milestones] == ["公布材料清单", "上线留痕系统"]
    page = client.get("/workbench/negative-list").get_data(as_text=True)
    assert "营业执照办理“托关系”" in page
    assert "待审批" in page


def test_a_row_without_its_due_date_is_refused_by_name(login, staff, clock) -> None:
    client = login(staff.head)
    body = _plan({"title": "落户找关系"}, [("", "公布流程", "")])
    client.post("/workbench/negative-list", data=body)
    assert _items(staff.unit) == []
    page = client.get("/workbench/negative-list").get_data(as_text=True)
    assert "milestones.0.due" in page


def test_the_head_edits_the_plan_and_marks_a_step_done(login, staff, clock) -> None:
    clock.set("2026-10-12T10:00:00+08:00")
    item = _item(staff)
    first = item.milestones[0]
    client = login(staff.head)
    body = _plan(
        {"title": "办证找熟人", "measures": "公开办事指南", "version": str(item.version)},
        [(str(first.id), "公布清单", "2026-10-15"), ("", "回头看", "2026-12-01")],
    )
    client.post(f"/workbench/negative-list/{item.id}/edit", data=body)
    db.session.refresh(item)
    assert [m.step for m in item.milestones] == ["公布清单", "回头看"]
    assert item.measures == "公开办事指南"
    client.post(
        f"/workbench/negative-list/{item.id}/milestones/{first.id}/done",
        data={"note": "已在大厅公示"},
    )
    db.session.refresh(first)
    assert first.done_note == "已在大厅公示"
    page = client.get("/workbench/negative-list").get_data(as_text=True)
    assert "已完成" in page
    assert "已在大厅公示" in page


def test_an_agent_has_no_campaign_pages(login, staff, clock) -> None:
    client = login(staff.agent)
    assert client.get("/workbench/negative-list").status_code == 403
    assert client.get("/workbench/commitments").status_code == 403
    assert client.post("/workbench/negative-list", data={"title": "x"}).status_code == 403


def test_the_head_sees_only_their_units_list(login, staff, clock) -> None:
    other = lists.create_item(
        unit=staff.other_unit,
        actor=Actor(role="unit_head", unit_id=staff.other_unit.id, label="other-head"),
        title="别的单位的事项",
        milestones=[{"step": "x", "due": date(2026, 10, 15)}],
    )
    client = login(staff.head)
    assert "别的单位的事项" not in client.get("/workbench/negative-list").get_data(as_text=True)
    client.post(f"/workbench/negative-list/{other.id}/edit", data=_plan({"title": "改"}, []))
    db.session.refresh(other)
    assert other.title == "别的单位的事项"


def test_the_head_makes_and_retires_a_commitment(login, staff, clock) -> None:
    client = login(staff.head)
    client.post(
        "/workbench/commitments",
        data={"staff_name": "窗口 张敏", "text": "材料齐全当场受理", "measure": "公示承诺"},
    )
    made = db.session.scalar(select(Commitment).where(Commitment.unit_id == staff.unit.id))
    assert (made.staff_name, made.status) == ("窗口 张敏", "active")
    page = client.get("/workbench/commitments").get_data(as_text=True)
    assert "材料齐全当场受理" in page
    client.post(f"/workbench/commitments/{made.id}/retire", data={"reason": "调岗"})
    db.session.refresh(made)
    assert made.status == "retired"
    assert "已撤销" in client.get("/workbench/commitments").get_data(as_text=True)


def test_commitments_of_another_unit_stay_out_of_sight(login, staff, clock) -> None:
    theirs = commitments.create(
        actor=Actor(role="inspector", label="inspector"),
        unit=staff.other_unit.code,
        text="别的单位的承诺",
    )
    client = login(staff.head)
    assert "别的单位的承诺" not in client.get("/workbench/commitments").get_data(as_text=True)
    client.post(f"/workbench/commitments/{theirs.id}/retire", data={"reason": "x"})
    db.session.refresh(theirs)
    assert theirs.status == "active"


def test_the_pages_in_english(login, staff, clock) -> None:
    _item(staff)
    client = login(staff.head)
    page = client.get("/workbench/negative-list?lang=en").get_data(as_text=True)
    assert "Negative list" in page
    assert "Pending approval" in page
    assert "Public commitments" in client.get("/workbench/commitments?lang=en").get_data(
        as_text=True
    )
