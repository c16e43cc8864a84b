"""Twilio Messaging webhooks: a text opens a ticket, CX/查询 asks status, 1–5 rates, TD/STOP
opts out; plus the delivery-status callback of the SMS we send."""

from __future__ import annotations

import logging
import re
import unicodedata

from flask import Blueprint, Response, request
from twilio.twiml.messaging_response import MessagingResponse

from hotline.core import uow
from hotline.core.actor import Actor
from hotline.core.clock import format_local, utcnow
from hotline.core.extensions import csrf
from hotline.core.xml import xml_text
from hotline.intake import deliveries
from hotline.intake import service as intake
from hotline.intake.texts import rating_name, text
from hotline.intake.twilio_security import twilio_signed
from hotline.notify import delivery_status
from hotline.notify.texts import status_name
from hotline.tickets import duplicates
from hotline.tickets import service as tickets
from hotline.tickets.insert import NUMBER_MARK
from hotline.tickets.models import Kind, Priority, Status, Ticket
from hotline.tickets.service import media_links

log = logging.getLogger(__name__)

bp = Blueprint("twilio_sms", __name__, url_prefix="/twilio/sms")
csrf.exempt(bp)  # Twilio cannot send a CSRF token; the signature check protects these views

STATUS_RE = re.compile(r"^(?:CX|查询)\s*[:：]?\s*(?:(\d{8})-?(\d{6}))?$", re.IGNORECASE)
RATING_RE = re.compile(r"^[1-5]$")
OPT_OUT_WORDS = {"TD": "zh_CN", "退订": "zh_CN", "STOP": "en", "UNSUBSCRIBE": "en"}
CJK_RE = re.compile(r"[\u3400-\u9fff]")
LATIN_RE = re.compile(r"[A-Za-z]{2,}")
MAX_MEDIA = 10


def twiml(body: str | None) -> str:
    """A MessagingResponse with one <Message> (or none)."""
    response = MessagingResponse()
    if body:
        response.message(body)
    return xml_text(str(response))


def xml_response(answer: str) -> Response:
    return Response(answer, mimetype="application/xml")


def locale_of(message: str) -> str:
    """English when the text is written in Latin letters with no Chinese in it."""
    if CJK_RE.search(message):
        return "zh_CN"
    return "en" if LATIN_RE.search(message) else "zh_CN"


def media_urls(form: dict) -> list[str]:
    try:
        count = min(int(form.get("NumMedia") or 0), MAX_MEDIA)
    except ValueError:
        count = 0
    urls = [form[f"MediaUrl{i}"] for i in range(count) if form.get(f"MediaUrl{i}")]
    links = media_links(urls)
    if len(links) < len(urls):
        log.warning("dropped %d media URL(s) that are not http(s) links", len(urls) - len(links))
    return links


def status_detail(ticket: Ticket, locale: str) -> str:
    parts = []
    if ticket.unit is not None and ticket.status != Status.merged:
        parts.append(text("detail_unit", locale, unit=ticket.unit.name))
    if ticket.status in (Status.dispatched, Status.accepted):
        parts.append(text("detail_due", locale, due=format_local(ticket.resolve_due_at)))
    if ticket.status in (Status.replied, Status.closed) and ticket.reply_text:
        parts.append(text("detail_reply", locale, reply=ticket.reply_text[:120]))
    return "".join(parts) if locale == "zh_CN" else " ".join(parts)


def answer_status(phone: str, number: str | None) -> str:
    """CX <number>: the status of a ticket this phone filed (its latest without a number)."""
    if number:
        ticket = intake.find_for_complainant(number=number, phone=phone)
        if ticket is None:
            return text("sms_not_found", "zh_CN", number=number)
    else:
        ticket = intake.latest_for_phone(phone=phone)
        if ticket is None:
            return text("sms_none_for_phone", "zh_CN")
    locale = ticket.locale
    return text(
        "sms_status",
        locale,
        number=ticket.number,
        status=status_name(ticket.status, locale),
        detail=status_detail(ticket, locale),
    )


def answer_rating(phone: str, rating: int) -> tuple[str, int | None]:
    """A bare 1–5: the 好差评 of this phone's answered ticket, if one is waiting."""
    ticket = intake.awaiting_rating(phone=phone)
    if ticket is None:
        # 并单: the answer of the ticket theirs was merged into, rated on their own ticket.
        merged = duplicates.merged_awaiting_rating(phone=phone)
        if merged is None:
            return text("sms_nothing_to_rate", "zh_CN"), None
        duplicates.rate_merged(merged, actor=Actor.complainant(), rating=rating)
        name = rating_name(rating, merged.locale)
        return text("sms_rated_merged", merged.locale, number=merged.number, rating=name), merged.id
    intake.rate(ticket, rating=rating)
    locale = ticket.locale
    name = rating_name(rating, locale)
    if ticket.status == Status.closed:
        return text("sms_rated_closed", locale, number=ticket.number, rating=name), ticket.id
    due = format_local(ticket.resolve_due_at)
    return (
        text("sms_rated_reopened", locale, number=ticket.number, rating=name, due=due),
        ticket.id,
    )


def answer_new(form: dict, phone: str, message: str, key: str) -> str | deliveries.Recorded:
    """Any other text opens a ticket; the answer gives its number and the policy's deadline.

    The ticket, its event and the delivery `key` with the answer are written by one statement
    (`insert_ticket`), so the answer is written before the number is drawn."""
    locale = locale_of(message)
    media = media_urls(form)
    if not message and not media:
        return text("sms_empty", locale)
    if len(message) > tickets.MAX_DESCRIPTION:
        return text("sms_too_long", locale, limit=tickets.MAX_DESCRIPTION)
    now = utcnow()
    kind, priority = Kind.complaint.value, Priority.normal.value
    due = intake.policy_due(kind=kind, priority=priority, category_id=None, now=now)
    answer = twiml(text("sms_ack", locale, number=NUMBER_MARK, due=format_local(due)))
    ticket = tickets.create(
        actor=Actor.complainant(phone),
        channel="sms",
        kind=kind,
        priority=priority,
        description=message or ("（彩信，无文字）" if locale == "zh_CN" else "(MMS, no text)"),
        phone=phone,
        media=media,
        extra={"sms": {"message_sid": form.get("MessageSid"), "to": form.get("To")}},
        locale=locale,
        now=now,
        delivery={"key": key, "response": answer, "created_at": now},
    )
    return deliveries.Recorded(answer.replace(NUMBER_MARK, ticket.number))


def handle(form: dict, key: str) -> tuple[str, int | None] | deliveries.Recorded:
    """Decide what an incoming text asks for; returns the TwiML and the ticket it concerned
    (or, for a new ticket, the TwiML its own statement recorded under `key`)."""
    phone = tickets.normalize_phone(form.get("From"), field="From")
    message = (form.get("Body") or "").strip()
    command = unicodedata.normalize("NFKC", message).strip()
    if command.upper() in OPT_OUT_WORDS:
        intake.opt_out(phone=phone)
        return twiml(text("sms_opted_out", OPT_OUT_WORDS[command.upper()])), None
    match = STATUS_RE.match(command)
    if match:
        number = f"{match[1]}-{match[2]}" if match[1] else None
        return twiml(answer_status(phone, number)), None
    if RATING_RE.match(command):
        body, ticket_id = answer_rating(phone, int(command))
        return twiml(body), ticket_id
    answer = answer_new(form, phone, message, key)
    return answer if isinstance(answer, deliveries.Recorded) else (twiml(answer), None)


def busy() -> Response:
    """The answer when every run of a text lost a race with another transaction: nothing of it
    was kept, so the sender is asked to send it again."""
    return xml_response(twiml(text("sms_busy", locale_of(request.form.get("Body") or ""))))


@bp.post("")
@twilio_signed
@uow.retrying(exhausted=busy)  # a rating racing an operator's callback is decided again
@uow.one_statement  # a new ticket's INSERT (with its delivery) is all a text writes
def incoming() -> Response:
    """POST /twilio/sms — answered once per MessageSid; a retry gets the same TwiML."""
    form = request.form.to_dict()
    sid = form.get("MessageSid") or form.get("SmsSid")
    if not sid:
        return xml_response(twiml(None)), 400
    # Every SMS handler writes only to this transaction, so the delivery's unique key alone
    # catches a retry (after the work, which is rolled back) and the common case saves a query.
    key = f"sms:{sid}"
    answer = deliveries.once(key, lambda: handle(form, key), look_first=False)
    return xml_response(answer)


@bp.post("/status")
@twilio_signed
def status_callback() -> tuple[str, int]:
    """POST /twilio/sms/status — delivery status of a message we sent."""
    sid = request.form.get("MessageSid") or request.form.get("SmsSid")
    status = request.form.get("MessageStatus") or request.form.get("SmsStatus") or ""
    if not sid:
        return "", 400
    message = delivery_status.record(
        provider_sid=sid, status=status, error_code=request.form.get("ErrorCode")
    )
    if message is None:
        # Committed before looking again: a sender storing this sid now either sees the kept
        # status or has stored the sid already.
        uow.checkpoint()
        if delivery_status.apply_kept(sid) is None:
            log.info("delivery status %s for %s kept until the sender stores that sid", status, sid)
    return "", 204
