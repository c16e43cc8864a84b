"""gettext for the public pages, with a built-in Chinese fallback until the Babel catalogs in
translations/ carry these strings (msgids are English so `pybabel extract` picks them up)."""

from __future__ import annotations

from flask import has_request_context
from flask_babel import get_locale, gettext

ZH: dict[str, str] = {
    "Hotline": "12345政务服务便民热线",
    "File a complaint": "提交诉求",
    "Check a ticket": "查询工单",
    "Rate the answer": "评价办理结果",
    "Kind": "诉求类型",
    "Category": "问题类别",
    "Not sure": "不确定",
    "Description": "诉求内容",
    "Describe what happened, when, and what you ask for.": "请说明事情经过、时间和您的诉求。",
    "Address": "事发地址",
    "District": "所在区",
    "Mobile phone": "手机号码",
    "Name (optional)": "姓名（选填）",
    "The unit may see my name and phone number": "同意承办单位查看我的姓名和联系方式",
    "Keep my complaint confidential (保密)": "对我的诉求保密（保密件）",
    "It may be published without my name, phone number or house number": (
        "同意在隐去姓名、电话和门牌号后公开（经热线审核）"
    ),
    "Submit": "提交",
    "consultation": "咨询",
    "help": "求助",
    "complaint": "投诉",
    "report": "举报",
    "suggestion": "建议",
    "Please fix the marked fields.": "请修改标出的内容。",
    "Please describe your request.": "请填写诉求内容。",
    "At most %(n)s characters.": "不能超过%(n)s个字。",
    "Choose a kind.": "请选择诉求类型。",
    "Unknown category.": "未知的问题类别。",
    "A mobile number we can reach you on is required.": "请填写能联系到您的手机号码。",
    "This is not a valid phone number.": "手机号码格式不正确。",
    "Please give the address.": "请填写事发地址。",
    "Your complaint is registered": "您的诉求已受理",
    "Ticket number": "工单号",
    "Expected answer by": "预计答复期限",
    "The deadline counts from dispatch to the responsible unit; if it is extended we will tell you by SMS.": "办理期限自派至承办单位起计算；如获批延期，我们将短信告知。",  # noqa: E501 - one msgid per line keeps pybabel diffs readable
    "Keep the number to check the progress.": "请保存工单号以便查询进度。",
    "Ticket number and phone": "工单号与手机号",
    "Look up": "查询",
    "No ticket with this number was filed from this phone number.": "未找到该手机号提交的此工单，请核对。",  # noqa: E501
    "Status": "状态",
    "Received": "受理时间",
    "Responsible unit": "承办单位",
    "Deadline": "办理期限",
    "Answer": "答复内容",
    "Rating": "评价",
    "Comment (optional)": "意见（选填）",
    "Very satisfied": "非常满意",
    "Satisfied": "满意",
    "Fairly satisfied": "基本满意",
    "Dissatisfied": "不满意",
    "Very dissatisfied": "非常不满意",
    "Choose a rating from 1 to 5.": "请选择1至5分的评价。",
    "Thank you for your rating.": "感谢您的评价。",
    "The ticket is closed.": "工单已办结。",
    "The ticket was sent back to the unit; new deadline %(due)s.": "工单已发回承办单位重新办理，新的办理期限为%(due)s。",  # noqa: E501
    "This ticket is not waiting for a rating.": "该工单当前无需评价。",
    "This rating link is invalid or has expired.": "评价链接无效或已过期。",
    "Too many submissions, please try again later.": "提交过于频繁，请稍后再试。",
    "English": "English",
    "中文": "中文",
}


def _(msgid: str, **params: object) -> str:
    """The translation of msgid for the request's locale, %-formatted with params."""
    out = gettext(msgid) if has_request_context() else msgid
    if out == msgid and has_request_context() and str(get_locale()).startswith("zh"):
        out = ZH.get(msgid, msgid)
    return out % params if params else out


def current_locale() -> str:
    """zh_CN or en, as the ticket records it."""
    return "en" if has_request_context() and str(get_locale()).startswith("en") else "zh_CN"
