"""The 交办单: the paper a unit works from — number, unit, deadlines in local time, the
complaint, and the complainant only as the reader may see them."""

from __future__ import annotations

from flask_babel import gettext as _

from hotline.core.clock import format_local
from hotline.staff.documents.pdf import Paper
from hotline.staff.documents.queries import TicketSheet
from hotline.staff.pages.ui import CHANNEL_LABELS, KIND_LABELS, LEVEL_LABELS, STATUS_LABELS
from hotline.units.models import Unit


def _when(dt) -> str:
    return format_local(dt, empty="—")


def unit_label(unit: Unit | None, lang: str) -> str:
    """The unit's name in the document's language ("—" for none)."""
    if unit is None:
        return "—"
    return unit.name_en if lang == "en" and unit.name_en else unit.name


def render(sheet: TicketSheet, *, lang: str) -> bytes:
    """The ticket's 交办单 as PDF bytes."""
    ticket = sheet.ticket
    paper = Paper(
        title=_("交办单") + f" {ticket.number}",
        footer=_(
            "打印人 %(who)s · 打印时间 %(at)s",
            who=sheet.printed_by,
            at=format_local(sheet.printed_at),
        ),
        lang=lang,
        now=sheet.printed_at,
    )
    paper.title_block(
        _("12345 政务服务便民热线"),
        _("交办单"),
        _("工单号 %(number)s", number=ticket.number),
    )
    units = unit_label(ticket.unit, lang)
    if ticket.assisting_units:
        assisting = "、".join(unit_label(u, lang) for u in ticket.assisting_units)
        units += " · " + _("协办") + " " + assisting
    category = "—"
    if ticket.category is not None:
        category = (
            ticket.category.name_en
            if lang == "en" and ticket.category.name_en
            else ticket.category.name
        )
    status = str(STATUS_LABELS.get(ticket.status, ticket.status))
    if ticket.escalation_level:
        status += " · " + str(LEVEL_LABELS.get(ticket.escalation_level, ticket.escalation_level))
    if ticket.overdue:
        status += " · " + _("已超期")
    paper.fields(
        [
            (_("承办单位"), units),
            (_("类型"), str(KIND_LABELS.get(ticket.kind, ticket.kind))),
            (_("类别"), category),
            (_("紧急程度"), _("紧急") if ticket.priority == "urgent" else _("普通")),
            (_("来源"), str(CHANNEL_LABELS.get(ticket.channel, ticket.channel))),
            (_("受理时间"), _when(ticket.created_at)),
            (_("派单时间"), _when(ticket.dispatched_at)),
            (_("签收时限"), _when(ticket.accept_due_at)),
            (_("办结时限"), _when(ticket.resolve_due_at)),
            (_("退单时限"), _when(ticket.return_due_at)),
            (_("当前状态"), status),
            (_("诉求人"), _complainant(sheet)),
            (_("地址"), _place(sheet)),
        ]
    )
    paper.section(_("诉求内容"))
    paper.paragraph(ticket.description)
    paper.section(_("办理要求"))
    paper.paragraph(
        _(
            "请于签收时限前签收，于办结时限前答复诉求人并在系统中提交答复；"
            "不属于本单位职责的，请在退单时限内申请退单并说明理由。"
        ),
        size=10,
    )
    if ticket.confidential:
        paper.paragraph(_("本工单为保密工单：诉求人信息不得外传。"), size=10)
    paper.signature_line(_("签收人"), _("签收时间"))
    return paper.render()


def _complainant(sheet: TicketSheet) -> str:
    """The phone and name as the ticket page shows them: masked for units, none if 保密."""
    person, ticket = sheet.person, sheet.ticket
    if not person.phone and not person.name:
        return _("保密") if ticket.confidential else "—"
    shown = " · ".join(part for part in (person.phone, person.name) if part)
    if ticket.confidential:
        shown += " " + _("（保密）")
    return shown


def _place(sheet: TicketSheet) -> str:
    person, ticket = sheet.person, sheet.ticket
    if ticket.confidential and not person.full:
        return _("保密")
    return " ".join(part for part in (person.district, person.address) if part) or "—"
