"""SMS texts, zh-CN first with an English version, as format templates."""

from __future__ import annotations

from datetime import datetime, timedelta

from hotline.core.clock import to_local
from hotline.core.i18n import localized

TEXTS: dict[str, dict[str, str]] = {
    "ack": {
        "zh_CN": "【12345热线】您的诉求已受理，工单号{number}，将于{due}前办理答复。"
        "查询进度请回复：CX {number}",
        "en": "[12345 Hotline] Your request is registered as {number}; expect an answer by {due}. "
        "Reply CX {number} for its status.",
    },
    "dispatch_unit": {
        "zh_CN": "【12345热线派单】工单{number}（{category}）已派至贵单位，请于{accept_due}前签收、"
        "{resolve_due}前办结。{summary}",
        "en": "[Hotline dispatch] Ticket {number} ({category}) was sent to your unit: accept by "
        "{accept_due}, resolve by {resolve_due}. {summary}",
    },
    "rating_request": {
        "zh_CN": "【12345热线】工单{number}已办理答复：{reply}。请回复数字评价："
        "5非常满意 4满意 3基本满意 2不满意 1非常不满意；或点击 {link} 评价",
        "en": "[12345 Hotline] Ticket {number} was answered: {reply}. Rate it by replying 5 (very "
        "satisfied) to 1 (very dissatisfied), or open {link}",
    },
    # 直接办结: the operator's answer (shortened) to a consultation closed at source.
    "resolved_at_source": {
        "zh_CN": "【12345热线】您咨询的问题（工单{number}）已答复：{answer}。"
        "如仍有疑问，请再次致电12345。",
        "en": "[12345 Hotline] Your question (ticket {number}) was answered: {answer}. Call 12345 "
        "again if anything is unclear.",
    },
    # The new date in plain words (plain_deadline), never the unit's internal reason.
    "extension_granted": {
        "zh_CN": "【12345热线】您的工单{number}办理期限已延长至{due}前，届时将答复您。",
        "en": "[12345 Hotline] Your ticket {number} will be answered by {due}; the deadline "
        "was extended.",
    },
    "reopened": {
        "zh_CN": "【12345热线】工单{number}已发回重办，新的办理期限为{due}。",
        "en": "[12345 Hotline] Ticket {number} was sent back for rework; new deadline {due}.",
    },
    "warning": {
        "zh_CN": "【12345热线预警】工单{number}将于{due}到期，请抓紧办理。",
        "en": "[Hotline warning] Ticket {number} is due at {due}; please act.",
    },
    "overdue": {
        "zh_CN": "【12345热线催办】工单{number}已超期（期限{due}），请立即办理。",
        "en": "[Hotline reminder] Ticket {number} is overdue (due {due}); act now.",
    },
    # The head answers a 督办 in writing by {answer_due} (hotline/escalations/answers.py).
    "supervision": {
        "zh_CN": "【12345热线督办】{unit}负责同志：工单{number}已超期{days}个工作日，"
        "请督促办理，并于{answer_due}前书面答复。",
        "en": "[Hotline supervision] Head of {unit}: ticket {number} is {days} working days "
        "overdue; answer in writing by {answer_due}.",
    },
    "interview": {
        "zh_CN": "【12345热线约谈】{unit}负责同志：因{reason}，营商环境监督部门将对您进行约谈，"
        "请留意约谈通知。",
        "en": "[Hotline interview] Head of {unit}: you will be interviewed by the oversight office "
        "because {reason}.",
    },
    # One SMS for many tickets of a unit at one level in one sweep (hotline/escalations/notices)
    "digest_overdue": {
        "zh_CN": "【12345热线催办】{unit}：贵单位有{count}件工单已超期，包括{numbers}{more}，"
        "请立即办理。",
        "en": "[Hotline reminder] {unit}: {count} tickets of your unit are overdue, among them "
        "{numbers}{more}; act now.",
    },
    "digest_supervision": {
        "zh_CN": "【12345热线督办】{unit}负责同志：贵单位有{count}件工单超期{days}个工作日以上，"
        "包括{numbers}{more}，请督促办理，并于{answer_due}前逐件书面答复。",
        "en": "[Hotline supervision] Head of {unit}: {count} tickets are {days} or more working "
        "days overdue, among them {numbers}{more}; answer each in writing by {answer_due}.",
    },
    "digest_interview": {
        "zh_CN": "【12345热线约谈】{unit}负责同志：因贵单位{count}件工单严重超期未办结（{numbers}"
        "{more}），营商环境监督部门将对您进行约谈，请留意约谈通知。",
        "en": "[Hotline interview] Head of {unit}: you will be interviewed by the oversight office "
        "because {count} tickets are far overdue ({numbers}{more}).",
    },
    "interview_scheduled": {
        "zh_CN": "【12345热线约谈通知】{unit}负责同志：定于{at}在{place}对您进行约谈，请准时参加。",
        "en": "[Hotline interview] Head of {unit}: your interview is set for {at} at {place}.",
    },
    "interview_held": {
        "zh_CN": "【12345热线】{unit}负责同志：约谈已完成，请于{due}前兑现整改承诺并提交整改材料。",
        "en": "[Hotline] Head of {unit}: deliver the rectification you committed to by {due} and "
        "submit the evidence.",
    },
    # an inspection finding past its rectification due (hotline/campaign/inspections)
    "finding_overdue": {
        "zh_CN": "【营商环境监督】{unit}负责同志：检查{inspection}第{seq}项问题已超过整改期限"
        "（{due}），请立即整改并反馈。",
        "en": "[Oversight] Head of {unit}: item {seq} of inspection {inspection} is past its "
        "rectification due ({due}); rectify it and report now.",
    },
    # A missed call after CALLBACK_MAX_ATTEMPTS tries that reached nobody (hotline/calls).
    "missed_call_closed": {
        "zh_CN": "【12345热线】您好，您的来电我们未能及时接听，回拨{attempts}次均未接通。"
        "如仍需反映诉求，请再次拨打12345。",
        "en": "[12345 Hotline] We missed your call and could not reach you in {attempts} "
        "callbacks. If you still need us, please call 12345 again.",
    },
    "missed_call_closed_ticket": {
        "zh_CN": "【12345热线】您好，关于工单{number}，我们回拨您{attempts}次均未接通。"
        "如需补充情况，请再次拨打12345。",
        "en": "[12345 Hotline] About ticket {number}: we could not reach you in {attempts} "
        "callbacks. To add anything, please call 12345 again.",
    },
    "status": {
        "zh_CN": "【12345热线】工单{number}当前状态：{status}。{detail}",
        "en": "[12345 Hotline] Ticket {number} status: {status}. {detail}",
    },
}

STATUS_NAMES: dict[str, dict[str, str]] = {
    "new": {"zh_CN": "已受理", "en": "received"},
    "triage": {"zh_CN": "待派单", "en": "awaiting dispatch"},
    "dispatched": {"zh_CN": "已派单", "en": "dispatched"},
    "accepted": {"zh_CN": "办理中", "en": "in progress"},
    "replied": {"zh_CN": "已答复", "en": "answered"},
    "closed": {"zh_CN": "已办结", "en": "closed"},
    "rejected": {"zh_CN": "不予受理", "en": "rejected"},
    "merged": {"zh_CN": "已并单", "en": "merged"},
}


def render(template: str, locale: str = "zh_CN", **params: object) -> str:
    """The text of `template` in `locale` (zh_CN when the locale has no version)."""
    return localized(TEXTS[template], locale, **params)


def status_name(status: str, locale: str = "zh_CN") -> str:
    names = STATUS_NAMES.get(status)
    return localized(names, locale) if names else status


WEEKDAYS_ZH = "一二三四五六日"
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def plain_deadline(due: datetime, locale: str = "zh_CN") -> str:
    """A deadline as people say it, in local time: "2026年10月13日（星期二）24时" / "the end of
    Tuesday 13 October 2026". A working-day deadline is 00:00 of the next day (DESIGN §3), which
    read literally names the wrong day; so 00:00 is said as the end of the day before."""
    local = to_local(due)
    end_of_day = (local.hour, local.minute, local.second) == (0, 0, 0)
    day = (local - timedelta(days=1)).date() if end_of_day else local.date()
    if locale == "en":
        when = f"{WEEKDAYS_EN[day.weekday()]} {day.day} {MONTHS_EN[day.month - 1]} {day.year}"
        return f"the end of {when}" if end_of_day else f"{local:%H:%M} on {when}"
    when = f"{day.year}年{day.month}月{day.day}日（星期{WEEKDAYS_ZH[day.weekday()]}）"
    return f"{when}24时" if end_of_day else f"{when}{local:%H:%M}"


# A digest SMS names this many of its tickets, then "等" / "and others".
DIGEST_NUMBERS_SHOWN = 5
_LIST_JOINER = {"zh_CN": ("、", "等"), "en": (", ", " and others")}


def number_list(numbers: list[str], locale: str = "zh_CN") -> dict[str, str]:
    """The `numbers` and `more` parameters of a digest SMS: the first few, and a tail word
    when there are more."""
    joiner, more = _LIST_JOINER.get(locale, _LIST_JOINER["zh_CN"])
    shown = numbers[:DIGEST_NUMBERS_SHOWN]
    return {"numbers": joiner.join(shown), "more": more if len(numbers) > len(shown) else ""}
