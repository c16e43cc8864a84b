"""In-app notice texts, zh-CN first with an English version, shown in the reader's language.

A notice keeps its template and parameters, not a rendered text: the same notice reads in Chinese
for one user and in English for another (`?lang=en`). Parameters named in PARAM_TEXTS hold a
code (an SMS template, a Twilio error code, what was done) that is itself shown in the reader's
language.
"""

from __future__ import annotations

from collections.abc import Mapping
from string import Formatter
from typing import Any

from hotline.core.i18n import localized

NOTICE_TEXTS: dict[str, dict[str, str]] = {
    # the ladder, one ticket (DESIGN §4)
    "warning": {
        "zh_CN": "工单{number}将于{due}到期，请抓紧办理。",
        "en": "Ticket {number} is due at {due}; please act.",
    },
    "overdue": {
        "zh_CN": "工单{number}已超期（期限{due}），请立即办理。",
        "en": "Ticket {number} is overdue (due {due}); act now.",
    },
    "supervision": {
        "zh_CN": "工单{number}已超期{days}个工作日，现予督办，请督促办理，"
        "并于{answer_due}前书面答复。",
        "en": "Ticket {number} is {days} working days overdue and under supervision: see that "
        "it is handled and answer in writing by {answer_due}.",
    },
    "interview": {
        "zh_CN": "工单{number}超期{days}个工作日未办结，营商环境监督部门将约谈单位负责人。",
        "en": "Ticket {number} is {days} working days overdue: the oversight office will "
        "interview the head of the unit.",
    },
    # the ladder, many tickets of one unit at one level in one sweep
    "digest_warning": {
        "zh_CN": "本单位有{count}件工单即将到期（最早{due}），请抓紧办理。",
        "en": "{count} tickets of your unit are nearly due (the first at {due}); please act.",
    },
    "digest_overdue": {
        "zh_CN": "本单位有{count}件工单已超期，请立即办理。",
        "en": "{count} tickets of your unit are overdue; act now.",
    },
    "digest_supervision": {
        "zh_CN": "本单位有{count}件工单超期{days}个工作日以上，现予督办，请督促办理，"
        "并于{answer_due}前逐件书面答复。",
        "en": "{count} tickets of your unit are {days} or more working days overdue and under "
        "supervision: see that they are handled and answer each in writing by {answer_due}.",
    },
    "digest_interview": {
        "zh_CN": "本单位有{count}件工单严重超期未办结，营商环境监督部门将约谈单位负责人。",
        "en": "{count} tickets of your unit are far overdue: the oversight office will interview "
        "the head of the unit.",
    },
    # actions that need someone
    "return_requested": {
        "zh_CN": "{unit}申请退回工单{number}（退单），请审核。",
        "en": "{unit} asks to return ticket {number}; please review.",
    },
    "extension_requested": {
        "zh_CN": "{unit}申请工单{number}延期{days}个工作日，请审批。",
        "en": "{unit} asks for {days} more working days on ticket {number}; please decide.",
    },
    "interview_opened": {
        "zh_CN": "{unit}因{reason}启动约谈（案件{case}），请安排约谈时间和地点。",
        "en": "An interview of {unit} was opened ({reason}, case {case}); please schedule it.",
    },
    "interview_opened_head": {
        "zh_CN": "因{reason}，营商环境监督部门将约谈您，请留意约谈通知。",
        "en": "The oversight office will interview you ({reason}); watch for the notice.",
    },
    # spot checks and special inspections (hotline/campaign/inspections/notices.py)
    "inspection_recorded": {
        "zh_CN": "{inspection_kind}（检查{inspection}）发现贵单位{count}项问题，"
        "请于期限内整改并反馈（最早期限{due}）。",
        "en": "The {inspection_kind} (inspection {inspection}) found {count} problems in your "
        "unit: rectify them and report back in time (the first by {due}).",
    },
    "finding_answered": {
        "zh_CN": "{unit}已反馈检查{inspection}第{seq}项问题的整改情况，请审核。",
        "en": "{unit} reported the rectification of item {seq} of inspection {inspection}; "
        "please review it.",
    },
    "finding_accepted": {
        "zh_CN": "检查{inspection}第{seq}项问题的整改已经督查确认。",
        "en": "The rectification of item {seq} of inspection {inspection} was accepted.",
    },
    "finding_rejected": {
        "zh_CN": "检查{inspection}第{seq}项问题的整改情况被退回：{reason}。请重新整改反馈"
        "（整改期限{due}）。",
        "en": "The rectification of item {seq} of inspection {inspection} was sent back: "
        "{reason}. Rectify it and report again (due {due}).",
    },
    "finding_overdue": {
        "zh_CN": "检查{inspection}第{seq}项问题已超过整改期限（{due}）仍未整改，请立即整改反馈；"
        "逾期过久将启动约谈。",
        "en": "Item {seq} of inspection {inspection} is past its rectification due ({due}): "
        "rectify it and report now; far overdue, it leads to an interview.",
    },
    # the campaign: negative lists and public commitments (hotline/campaign)
    "negative_list_submitted": {
        "zh_CN": "{unit}提交了负面清单事项“{title}”，请审核。",
        "en": "{unit} submitted the negative-list item “{title}”; please review it.",
    },
    "negative_list_returned": {
        "zh_CN": "负面清单事项“{title}”被退回修改：{reason}",
        "en": "The negative-list item “{title}” was sent back: {reason}",
    },
    "commitment_breached": {
        "zh_CN": "工单{number}被认定违反本单位承诺“{text}”，已记入单位信用档案。",
        "en": "Ticket {number} was found to break your unit's commitment “{text}”; it is in "
        "the unit's credit record.",
    },
    "commitment_breached_finding": {
        "zh_CN": "督查发现问题#{finding}被认定违反本单位承诺“{text}”，已记入单位信用档案。",
        "en": "Inspection finding #{finding} was found to break your unit's commitment "
        "“{text}”; it is in the unit's credit record.",
    },
    # the head's written answer to a 督办 (hotline/escalations/answers.py)
    "supervision_answered": {
        "zh_CN": "{unit}已书面答复工单{number}的督办{timing}，计划{plan_due}前办结。",
        "en": "{unit} answered the supervision of ticket {number} in writing{timing}: to be "
        "dealt with by {plan_due}.",
    },
    "supervision_unanswered": {
        "zh_CN": "{unit}未在{due}前书面答复工单{number}的督办，已记入信用档案。",
        "en": "{unit} did not answer the supervision of ticket {number} in writing by {due}; "
        "it is in the unit's credit record.",
    },
    "supervision_unanswered_head": {
        "zh_CN": "工单{number}的督办未在{due}前书面答复，已记入本单位信用档案，请尽快答复。",
        "en": "The supervision of ticket {number} was not answered in writing by {due}; it is in "
        "your unit's credit record. Please answer it now.",
    },
    "digest_supervision_unanswered": {
        "zh_CN": "{unit}有{count}件督办未在{due}前书面答复，已记入信用档案。",
        "en": "{unit} did not answer {count} supervisions in writing by {due}; they are in the "
        "unit's credit record.",
    },
    "digest_supervision_unanswered_head": {
        "zh_CN": "本单位有{count}件督办未在{due}前书面答复，已记入信用档案，请尽快答复。",
        "en": "{count} supervisions of your unit were not answered in writing by {due}; they are "
        "in your unit's credit record. Please answer them now.",
    },
    # an interview case after it was opened (hotline/escalations/interviews.py, triggers.py)
    "interview_ticket_added": {
        "zh_CN": "{unit}工单{number}超期未办结，已并入约谈案件{case}。",
        "en": "Ticket {number} of {unit} is far overdue and was added to interview case {case}.",
    },
    "digest_interview_ticket_added": {
        "zh_CN": "{unit}有{count}件工单超期未办结，已并入约谈案件{case}。",
        "en": "{count} far overdue tickets of {unit} were added to interview case {case}.",
    },
    "interview_reason_added": {
        "zh_CN": "因{reason}，{unit}约谈案件{case}增加约谈事由。",
        "en": "Interview case {case} of {unit} has a further reason: {reason}.",
    },
    "interview_held": {
        "zh_CN": "约谈案件{case}已约谈，请书面提交整改承诺及整改期限。",
        "en": "The interview of case {case} was held: please submit your rectification "
        "commitment and its deadline in writing.",
    },
    "commitment_submitted": {
        "zh_CN": "{unit}已书面提交约谈案件{case}的整改承诺，整改期限{due}。",
        "en": "{unit} submitted the rectification commitment of case {case}, due {due}.",
    },
    "rectified": {
        "zh_CN": "{unit}已提交约谈案件{case}的整改佐证材料，请审核。",
        "en": "{unit} submitted the rectification evidence of case {case}; please review it.",
    },
    "rectification_rejected": {
        "zh_CN": "约谈案件{case}的整改佐证材料被退回，请补充后重新提交（整改期限{due}不变）。",
        "en": "The rectification evidence of case {case} was sent back: please add to it and "
        "submit it again (still due {due}).",
    },
    # extensions and rating appeals, told to the unit (hotline/tickets/notices.py)
    "extension_approved": {
        "zh_CN": "工单{number}的延期申请已批准，办理期限延至{due}。",
        "en": "The extension of ticket {number} was approved: it is now due {due}.",
    },
    "extension_granted": {
        "zh_CN": "督查部门为工单{number}延期{days}个工作日，办理期限延至{due}。",
        "en": "The oversight office gave ticket {number} {days} more working days: it is now "
        "due {due}.",
    },
    "appeal_requested": {
        "zh_CN": "{unit}对工单{number}的差评（{rating}分）提出申诉，请审核。",
        "en": "{unit} appeals the bad rating ({rating}) of ticket {number}; please decide.",
    },
    "appeal_upheld": {
        "zh_CN": "工单{number}的差评申诉已获支持，该评价不再计入考核。",
        "en": "The appeal against the rating of ticket {number} was upheld: the rating leaves "
        "the figures.",
    },
    "appeal_denied": {
        "zh_CN": "工单{number}的差评申诉未获支持，该评价继续计入考核。",
        "en": "The appeal against the rating of ticket {number} was denied: the rating still "
        "counts.",
    },
    # the caller phoned again about an open ticket (hotline/calls/screen_pop.py)
    "urged": {
        "zh_CN": "来电人来电催办工单{number}，请抓紧办理。",
        "en": "The caller phoned to press for ticket {number}; please act on it.",
    },
    "supplemented": {
        "zh_CN": "来电人为工单{number}补充了材料，请在工单办理过程中查看。",
        "en": "The caller added material to ticket {number}; see the ticket's timeline.",
    },
    # an escalation SMS that did not arrive
    "delivery_failed": {
        "zh_CN": "工单{number}发往{unit}（{to}）的{sms}未送达：{error}。{action}",
        "en": "The {sms} about ticket {number} to {unit} ({to}) was not delivered: {error}. "
        "{action}",
    },
    # the same, for an SMS about no single ticket (a digest, an interview a unit rule opened)
    "delivery_failed_unit": {
        "zh_CN": "发往{unit}（{to}）的{sms}未送达：{error}。{action}",
        "en": "The {sms} to {unit} ({to}) was not delivered: {error}. {action}",
    },
}

PARAM_TEXTS: dict[str, dict[str, dict[str, str]]] = {
    # an inspection's kind (hotline/campaign/inspections)
    "inspection_kind": {
        "mystery_visit": {"zh_CN": "明察暗访", "en": "spot check"},
        "special": {"zh_CN": "专项检查", "en": "special inspection"},
        "*": {"zh_CN": "检查", "en": "inspection"},
    },
    "sms": {
        "overdue": {"zh_CN": "催办短信", "en": "reminder SMS"},
        "supervision": {"zh_CN": "督办短信", "en": "supervision SMS"},
        "interview": {"zh_CN": "约谈短信", "en": "interview SMS"},
        "digest_overdue": {"zh_CN": "催办汇总短信", "en": "reminder digest SMS"},
        "digest_supervision": {"zh_CN": "督办汇总短信", "en": "supervision digest SMS"},
        "digest_interview": {"zh_CN": "约谈汇总短信", "en": "interview digest SMS"},
        "*": {"zh_CN": "短信", "en": "SMS"},
    },
    # a 督办 answered after its due says so (supervision_answered)
    "timing": {
        "late": {"zh_CN": "（逾期答复）", "en": " (late)"},
        "*": {"zh_CN": "", "en": ""},
    },
    # Twilio's error codes for messages that did not arrive (the common ones; others by number)
    "error": {
        "30001": {"zh_CN": "错误30001，短信队列溢出", "en": "error 30001, queue overflow"},
        "30002": {"zh_CN": "错误30002，账户被暂停", "en": "error 30002, account suspended"},
        "30003": {"zh_CN": "错误30003，手机无法接通", "en": "error 30003, handset unreachable"},
        "30004": {"zh_CN": "错误30004，短信被拦截", "en": "error 30004, message blocked"},
        "30005": {
            "zh_CN": "错误30005，号码不存在或未知",
            "en": "error 30005, unknown destination handset",
        },
        "30006": {
            "zh_CN": "错误30006，固定电话或运营商无法送达",
            "en": "error 30006, landline or unreachable carrier",
        },
        "30007": {"zh_CN": "错误30007，被运营商过滤", "en": "error 30007, filtered by the carrier"},
        "30008": {"zh_CN": "错误30008，未知错误", "en": "error 30008, unknown error"},
        "21211": {"zh_CN": "错误21211，号码无效", "en": "error 21211, invalid number"},
        "21610": {"zh_CN": "错误21610，对方已退订", "en": "error 21610, recipient unsubscribed"},
        "21614": {"zh_CN": "错误21614，不是手机号码", "en": "error 21614, not a mobile number"},
        "opted_out": {
            "zh_CN": "对方已回复TD退订，未发送",
            "en": "the recipient opted out (TD/STOP); not sent",
        },
        "": {"zh_CN": "未提供错误码", "en": "no error code given"},
        "*": {"zh_CN": "错误{error}", "en": "error {error}"},
    },
    # what was done about an escalation SMS that did not arrive (hotline/escalations/undelivered)
    "action": {
        "resent": {
            "zh_CN": "已改发单位值班电话{duty}。",
            "en": "It was sent again to the unit's duty phone {duty}.",
        },
        "same_number": {
            "zh_CN": "该号码即单位值班电话，未再重发。",
            "en": "That number is the unit's duty phone: not sent again.",
        },
        "no_duty_phone": {
            "zh_CN": "该单位未登记值班电话，无法改发。",
            "en": "The unit has no duty phone to send it to.",
        },
        "resend_failed": {
            "zh_CN": "这已是改发值班电话的短信，不再重发。",
            "en": "This was already the copy sent to the duty phone: not sent again.",
        },
        "*": {"zh_CN": "", "en": ""},
    },
}


class _Blank(dict):
    """Format values; a parameter a stored notice lacks shows as empty, never an error."""

    def __missing__(self, key: str) -> str:
        return ""


def _format(text: str, values: Mapping[str, Any]) -> str:
    return Formatter().vformat(text, (), _Blank(values))


def render_notice(template: str, params: Mapping[str, Any] | None, locale: str = "zh_CN") -> str:
    """The text of a notice in `locale` (zh_CN when the locale has no version)."""
    values: dict[str, Any] = {
        k: "" if v is None else v for k, v in (params or {}).items() if not isinstance(v, list)
    }
    for name, table in PARAM_TEXTS.items():
        if name in values:
            code = str(values[name] or "")
            values[name] = _format(localized(table.get(code) or table["*"], locale), values)
    versions = NOTICE_TEXTS.get(template)
    if versions is None:  # a template this version no longer knows: say what it was about
        return template
    return _format(localized(versions, locale), values)
