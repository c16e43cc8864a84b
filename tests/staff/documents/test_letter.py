"""The 督办函 read back from the PDF: addressed to the unit and its head, the tickets and how
many working days overdue, the facts in order, the answer due 2 working days after the 督办,
signed by the oversight office, and nothing personal about the complainant."""

from __future__ import annotations

from hotline.tickets import transitions as tx
from tests.factories import UnitFactory, ticket_in, unit_actor
from tests.staff.documents.helpers import supervision_of, sweep


def test_the_letter_names_the_unit_its_head_the_ticket_and_the_answer_due(
    login, staff, supervised, read_pdf
) -> None:
    ticket, supervision = supervised
    flat = read_pdf(login(staff.head).get(f"/escalations/{supervision.id}/letter.pdf")).flat
    assert "督办函" in flat
    assert f"督办〔2026〕第{supervision.id}号" in flat
    assert "市市场监管局（负责人：张主任）：" in flat
    assert ticket.number in flat
    assert "2个工作日" in flat  # overdue when the 督办 was issued (14 and 15 Oct)
    # Issued Friday 16 Oct 00:00: the answer is due at the end of Tuesday 20 Oct.
    assert "于2026-10-2100:00前在系统中书面答复" in flat
    assert "超期满5个工作日的，启动约谈程序" in flat
    assert "营商环境监督办公室" in flat
    assert flat.endswith("2026-10-16") or "营商环境监督办公室2026-10-16" in flat


def test_the_facts_follow_the_ladder_in_local_time(login, staff, supervised, read_pdf) -> None:
    _, supervision = supervised
    flat = read_pdf(login(staff.inspector).get(f"/escalations/{supervision.id}/letter.pdf")).flat
    assert "2026-09-3010:00派至你单位，办结时限2026-10-1400:00" in flat
    assert "2026-09-3010:00已签收" in flat
    assert "2026-10-1106:48预警" in flat
    assert "2026-10-1400:00催办" in flat
    assert "2026-10-1600:00督办：已超过办结时限2个工作日" in flat


def test_printed_later_the_letter_says_how_late_the_ticket_is_now(
    login, staff, supervised, clock, read_pdf
) -> None:
    _, supervision = supervised
    clock.set("2026-10-19T10:00:00+08:00")  # Monday: 14, 15 and 16 Oct have passed
    flat = read_pdf(login(staff.head).get(f"/escalations/{supervision.id}/letter.pdf")).flat
    assert "2026-10-1910:00仍未答复，已超期3个工作日" in flat


def test_once_the_unit_replied_the_letter_says_so(
    login, staff, supervised, clock, read_pdf
) -> None:
    ticket, supervision = supervised
    clock.set("2026-10-19T10:00:00+08:00")
    tx.reply(ticket, actor=unit_actor(staff.unit), text="已现场处理，摊贩已劝离。")
    flat = read_pdf(login(staff.head).get(f"/escalations/{supervision.id}/letter.pdf")).flat
    assert "2026-10-1910:00已答复" in flat
    assert "仍未答复" not in flat
    assert "办理中" not in flat  # the status column says 已答复 too


def test_the_letter_carries_nothing_personal(login, staff, supervised, read_pdf) -> None:
    _, supervision = supervised
    flat = read_pdf(login(staff.operator).get(f"/escalations/{supervision.id}/letter.pdf")).flat
    assert "诉求摘要：幸福路*号门口夜市摊贩占道经营，噪音扰民，联系电话[电话]" in flat
    assert "13812345678" not in flat
    assert "5678" not in flat


def test_one_letter_names_every_ticket_the_same_sweep_put_under_supervision(
    login, staff, clock, runner, read_pdf
) -> None:
    clock.set("2026-09-30T10:00:00+08:00")
    first = ticket_in("accepted", unit=staff.unit)
    second = ticket_in("dispatched", unit=staff.unit)  # never accepted: the accept clock
    elsewhere = ticket_in("accepted", unit=UnitFactory())
    confidential = ticket_in("accepted", unit=staff.unit, confidential=True, description="秘密")
    sweep(runner, "2026-10-16T00:00:00+08:00")
    clock.set("2026-10-16T09:00:00+08:00")
    letter = supervision_of(second)
    flat = read_pdf(login(staff.head).get(f"/escalations/{letter.id}/letter.pdf")).flat
    assert "下列3件工单" in flat
    for ticket in (first, second, confidential):
        assert ticket.number in flat
    assert elsewhere.number not in flat
    # The unaccepted ticket is late against its accept deadline (24 h, before the holidays).
    assert "派至你单位，签收时限2026-10-0110:00，办结时限2026-10-1400:00" in flat
    assert "督办：已超过签收时限7个工作日，仍未签收" in flat
    assert "保密工单，诉求内容见系统。" in flat
    assert "秘密" not in flat.replace("保密", "")
    # Every escalation of the batch prints the same letter, numbered after the first.
    number = min(supervision_of(t).id for t in (first, second, confidential))
    assert f"第{number}号" in flat


def test_english_letter_with_lang_en(login, staff, supervised, read_pdf) -> None:
    _, supervision = supervised
    text = read_pdf(
        login(staff.inspector).get(f"/escalations/{supervision.id}/letter.pdf?lang=en")
    ).text
    assert "Supervision letter" in text
    assert "2026-10-21 00:00" in text
