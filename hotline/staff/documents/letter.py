"""The 督办函: the oversight office's letter to a unit's head about tickets under 督办 — which
tickets, how many working days overdue, the facts, and when the written answer is due."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from fpdf.enums import Align

from hotline.core.clock import format_local, to_local
from hotline.staff.documents.pdf import Paper
from hotline.staff.documents.queries import LetterItem, SupervisionLetter
from hotline.staff.documents.ticket_sheet import unit_label
from hotline.staff.pages.ui import KIND_LABELS, LEVEL_LABELS, STATUS_LABELS
from hotline.tickets.redaction import redact

# The complaint is summarised, never quoted whole: the letter is about the unit's lateness.
SUMMARY_CHARS = 120


def render(letter: SupervisionLetter, *, lang: str) -> bytes:
    """The letter as PDF bytes."""
    year = to_local(letter.issued_at).year
    reference = _("督办〔%(year)s〕第 %(n)s 号", year=year, n=letter.number)
    paper = Paper(
        title=_("督办函") + " " + reference,
        footer=_(
            "打印人 %(who)s · 打印时间 %(at)s",
            who=letter.printed_by,
            at=format_local(letter.printed_at),
        ),
        lang=lang,
        now=letter.printed_at,
    )
    paper.title_block(_("12345 政务服务便民热线"), _("督办函"), reference)
    unit = unit_label(letter.unit, lang)
    if letter.unit.head_name:
        addressee = _("%(unit)s（负责人：%(head)s）：", unit=unit, head=letter.unit.head_name)
    else:
        addressee = _("%(unit)s：", unit=unit)
    paper.paragraph(addressee, size=12)
    paper.ln(1)
    paper.paragraph(
        _(
            "　　你单位承办的下列 %(n)s 件工单已超过办理时限，经预警、催办仍未办结。"
            "根据 12345 热线工单督办规定，现予督办。",
            n=len(letter.items),
        )
        + _(
            "请你单位负责人亲自督促办理，"
            "于 %(due)s 前在系统中书面答复办理情况、超期原因及整改措施。"
            "逾期未答复的，记入单位信用档案；超期满 %(wd)s 个工作日的，启动约谈程序。",
            due=format_local(letter.answer_due),
            wd=letter.interview_after_wd,
        ),
        size=12,
    )
    paper.ln(3)
    paper.grid(
        [_("工单号"), _("类别"), _("时限"), _("督办时超期"), _("当前状态")],
        [
            [
                item.ticket.number,
                _category(item, lang),
                format_local(item.missed),
                _("%(n)s 个工作日", n=item.overdue_days),
                str(STATUS_LABELS.get(item.ticket.status, item.ticket.status)),
            ]
            for item in letter.items
        ],
        widths=(38, 36, 34, 28, 34),
    )
    paper.section(_("督办事实"))
    for index, item in enumerate(letter.items, start=1):
        paper.paragraph(
            f"{index}. "
            + _(
                "工单 %(number)s（%(category)s）",
                number=item.ticket.number,
                category=_category(item, lang),
            ),
            size=11,
        )
        paper.ln(1)
        paper.grid(
            [_("时间"), _("经过")],
            _facts(item, letter),
            widths=(38, 132),
            align=(Align.C, Align.L),
        )
        paper.ln(1)
        paper.paragraph(_("诉求摘要：") + _summary(item), size=10)
        paper.ln(2)
    paper.ln(6)
    paper.right(_("12345 政务服务便民热线"))
    paper.right(_("营商环境监督办公室"))
    paper.right(format_local(letter.issued_at, "day"))
    return paper.render()


def _category(item: LetterItem, lang: str) -> str:
    category = item.ticket.category
    if category is None:
        return str(KIND_LABELS.get(item.ticket.kind, item.ticket.kind))
    return category.name_en if lang == "en" and category.name_en else category.name


def _facts(item: LetterItem, letter: SupervisionLetter) -> list[tuple[str, str]]:
    """What happened, one row an instant, in order: dispatch, acceptance, the ladder, the
    answer (or its absence at printing)."""
    ticket, esc = item.ticket, item.escalation
    dispatched = ticket.window_started_at or ticket.dispatched_at
    if item.missed != esc.deadline:
        sent = _(
            "派至你单位，签收时限 %(accept)s，办结时限 %(due)s",
            accept=format_local(item.missed),
            due=format_local(esc.deadline),
        )
    else:
        sent = _("派至你单位，办结时限 %(due)s", due=format_local(esc.deadline))
    events: list[tuple[datetime | None, str]] = [(dispatched, sent)]
    if ticket.accepted_at and (dispatched is None or ticket.accepted_at >= dispatched):
        events.append((ticket.accepted_at, _("已签收")))
    for earlier in item.earlier:
        events.append((earlier.created_at, str(LEVEL_LABELS.get(earlier.level, earlier.level))))
    if esc.clock != "accept":
        late = _("督办：已超过办结时限 %(n)s 个工作日", n=item.overdue_days)
    elif ticket.accepted_at is None:
        late = _("督办：已超过签收时限 %(n)s 个工作日，仍未签收", n=item.overdue_days)
    else:
        late = _("督办：已超过签收时限 %(n)s 个工作日", n=item.overdue_days)
    events.append((esc.created_at, late))
    if item.overdue_days_now is not None:
        events.append(
            (letter.printed_at, _("仍未答复，已超期 %(n)s 个工作日", n=item.overdue_days_now))
        )
    elif ticket.replied_at and ticket.replied_at >= esc.created_at:
        events.append((ticket.replied_at, _("已答复")))
    events.sort(key=lambda event: event[0] or esc.created_at)
    return [(format_local(at, empty="—"), what) for at, what in events]


def _summary(item: LetterItem) -> str:
    """The complaint in a few words, personal numbers taken out; nothing of a 保密 ticket."""
    if item.ticket.confidential:
        return _("保密工单，诉求内容见系统。")
    text = " ".join(redact(item.ticket.description).split())
    return text if len(text) <= SUMMARY_CHARS else text[:SUMMARY_CHARS] + "…"
