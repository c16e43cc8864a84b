"""Every text the channels answer complainants with (SMS and voice), zh-CN first, English too."""

from __future__ import annotations

from hotline.core.i18n import localized

TEXTS: dict[str, dict[str, str]] = {
    "sms_ack": {
        "zh_CN": "【12345热线】您的诉求已受理，工单号{number}。按规定应于{due}前办理答复"
        "（自派至承办单位起计算，如延期将短信告知）。查询进度请回复：CX {number}",
        "en": "[12345 Hotline] Your request is registered as ticket {number}. The rules give "
        "until {due} for an answer (counted from dispatch to the responsible unit; we will "
        "text you if it is extended). Reply CX {number} for its status.",
    },
    "sms_status": {
        "zh_CN": "【12345热线】工单{number}当前状态：{status}。{detail}",
        "en": "[12345 Hotline] Ticket {number} status: {status}. {detail}",
    },
    "detail_due": {
        "zh_CN": "办理期限：{due}。",
        "en": "Due by {due}.",
    },
    "detail_unit": {
        "zh_CN": "承办单位：{unit}。",
        "en": "Handled by {unit}.",
    },
    "detail_reply": {
        "zh_CN": "答复：{reply}",
        "en": "Answer: {reply}",
    },
    "sms_not_found": {
        "zh_CN": "【12345热线】未找到本手机号提交的工单{number}，请核对工单号。",
        "en": "[12345 Hotline] We found no ticket {number} filed from this phone number; "
        "please check the number.",
    },
    "sms_none_for_phone": {
        "zh_CN": "【12345热线】本手机号暂无工单。直接发送短信描述您的诉求即可受理。",
        "en": "[12345 Hotline] This phone number has no tickets yet. Text us your request "
        "to file one.",
    },
    "sms_rated_closed": {
        "zh_CN": "【12345热线】感谢您对工单{number}的评价（{rating}）。工单已办结。",
        "en": "[12345 Hotline] Thank you for rating ticket {number} ({rating}). It is now closed.",
    },
    "sms_rated_merged": {
        "zh_CN": "【12345热线】感谢您对工单{number}的评价（{rating}）。",
        "en": "[12345 Hotline] Thank you for rating ticket {number} ({rating}).",
    },
    "sms_rated_reopened": {
        "zh_CN": "【12345热线】感谢您对工单{number}的评价（{rating}）。工单已发回承办单位重新办理，"
        "新的办理期限为{due}。",
        "en": "[12345 Hotline] Thank you for rating ticket {number} ({rating}). It was sent back "
        "to the unit for rework; new deadline {due}.",
    },
    "sms_nothing_to_rate": {
        "zh_CN": "【12345热线】本手机号暂无待评价的工单。如需反映问题，请直接发送文字描述。",
        "en": "[12345 Hotline] There is no answered ticket awaiting your rating. To file a "
        "request, text us a description.",
    },
    "sms_busy": {
        "zh_CN": "【12345热线】系统繁忙，您的短信未能处理，请稍后重新发送。",
        "en": "[12345 Hotline] We could not handle your text just now; please send it again "
        "in a moment.",
    },
    "sms_opted_out": {
        "zh_CN": "【12345热线】您已退订热线短信通知。如需查询工单，可回复：CX 工单号。",
        "en": "[12345 Hotline] You will receive no more notifications from us. You can still "
        "reply CX <ticket number> for a status.",
    },
    "sms_too_long": {
        "zh_CN": "【12345热线】短信内容超过{limit}字，请精简后重新发送，或拨打12345热线。",
        "en": "[12345 Hotline] Your message is longer than {limit} characters; please shorten "
        "it or call the hotline.",
    },
    "sms_empty": {
        "zh_CN": "【12345热线】请发送文字描述您的诉求（事项、地点），我们将为您受理。",
        "en": "[12345 Hotline] Please text us what happened and where, and we will register it.",
    },
    "voice_greeting": {
        "zh_CN": "您好，这里是12345政务服务便民热线。正在为您转接话务员，请稍候。",
        "en": "Hello, this is the 12345 hotline. Connecting you to an operator, please hold.",
    },
    "voice_hold": {
        "zh_CN": "话务员正忙，请继续等候。",
        "en": "All operators are busy; please stay on the line.",
    },
    "voice_closed": {
        "zh_CN": "您好，这里是12345政务服务便民热线。现在是非工作时间。",
        "en": "Hello, this is the 12345 hotline. We are closed right now.",
    },
    "voice_leave_message": {
        "zh_CN": "请在提示音后说出您的诉求，包括事发地点，说完后请稍候。我们会尽快给您回电。",
        "en": "After the tone, please state your request including the place, then wait. "
        "We will call you back.",
    },
    "voice_record_prompt": {
        "zh_CN": "如需补充，请在提示音后留言，按井号键结束。",
        "en": "To add anything, leave a message after the tone and press the hash key.",
    },
    "voice_ticket": {
        "zh_CN": "您的诉求已受理，工单号{spoken}。按规定将于{due}前办理答复。",
        "en": "Your request is registered as ticket {spoken}. Expect an answer by {due}.",
    },
    "voice_no_caller_id": {
        "zh_CN": "您的诉求已记录。由于未能获取您的来电号码，我们无法回复您，"
        "请显示号码后重新拨打，或通过短信、网站提交。再见。",
        "en": "We noted your request, but your number is withheld so we cannot answer you. "
        "Please call again showing your number, or use SMS or the website. Goodbye.",
    },
    "voice_connecting": {
        "zh_CN": "正在为您接通话务员。",
        "en": "Connecting you to an operator now.",
    },
    "voice_callback_invalid": {
        "zh_CN": "回拨号码无效，无法拨打。",
        "en": "The number to call back is not valid; the call was not placed.",
    },
    "voice_callback_premium": {
        "zh_CN": "该号码为增值收费号码，不予回拨。",
        "en": "That is a premium-rate number; it is not called back.",
    },
    "voice_callback_opted_out": {
        "zh_CN": "该号码已退订热线联系，不予回拨。",
        "en": "That number has opted out of contact from the hotline; it is not called back.",
    },
    "voice_goodbye": {
        "zh_CN": "感谢您的来电，再见。",
        "en": "Thank you for calling. Goodbye.",
    },
}

RATING_NAMES: dict[int, dict[str, str]] = {
    5: {"zh_CN": "非常满意", "en": "very satisfied"},
    4: {"zh_CN": "满意", "en": "satisfied"},
    3: {"zh_CN": "基本满意", "en": "fairly satisfied"},
    2: {"zh_CN": "不满意", "en": "dissatisfied"},
    1: {"zh_CN": "非常不满意", "en": "very dissatisfied"},
}


def text(key: str, locale: str = "zh_CN", **params: object) -> str:
    """The text `key` in `locale` (zh_CN when the locale has no version), filled with params."""
    return localized(TEXTS[key], locale, **params)


def rating_name(rating: int, locale: str = "zh_CN") -> str:
    return localized(RATING_NAMES[rating], locale)
