"""An escalation SMS that does not arrive: inspectors hear of it, the duty phone gets it once.

Driven through the real status callback (POST /twilio/sms/status, signed with the Twilio SDK's
RequestValidator) and the real sender.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from hotline.core.extensions import db
from hotline.escalations.sweep import sweep
from hotline.notify.jobs import send_outbox
from hotline.notify.models import Notice, OutboxMessage, SmsOptOut
from hotline.notify.notice_texts import render_notice
from tests.factories import UnitFactory, ticket_in
from tests.intake.helpers import Twilio

pytestmark = pytest.mark.usefixtures("woken_jobs")

SUPERVISION = datetime.fromisoformat("2026-10-16T00:00:00+08:00")


@pytest.fixture
def signed(client) -> Twilio:
    return Twilio(client)


@pytest.fixture
def unit(session, clock):
    clock.set("2026-09-30T10:00:00+08:00")
    return UnitFactory(name="市城管局", head_phone="+8613912345678", duty_phone="+8613712345678")


def callback(signed: Twilio, sid: str, status: str, **extra: str):
    data = {"MessageSid": sid, "MessageStatus": status, "AccountSid": "AC" + "1" * 32}
    response = signed.post("/twilio/sms/status", data | extra)
    assert response.status_code == 204, response.data
    return response


def sent(*, unit, template: str, to: str, ticket=None, sid: str, dedupe_key=None) -> OutboxMessage:
    """An SMS the sender already handed to Twilio, as the ladder would have queued it."""
    row = OutboxMessage(
        channel="sms",
        to=to,
        unit_id=unit.id,
        ticket_id=ticket.id if ticket else None,
        template=template,
        body=f"【12345热线】{template}",
        dedupe_key=dedupe_key,
        status="sent",
        provider_sid=sid,
        created_at=SUPERVISION,
        sent_at=SUPERVISION,
    )
    db.session.add(row)
    db.session.flush()
    return row


def inspector_notices() -> list[Notice]:
    return list(
        db.session.scalars(
            select(Notice).where(Notice.audience == "role:inspector").order_by(Notice.id)
        )
    )


def resent() -> list[OutboxMessage]:
    return list(
        db.session.scalars(select(OutboxMessage).where(OutboxMessage.dedupe_key.like("resend:%")))
    )


def test_an_undelivered_supervision_sms_is_told_to_inspectors_and_sent_to_the_duty_phone(
    unit, signed, clock
):
    ticket = ticket_in("accepted", unit=unit)
    clock.set(SUPERVISION.isoformat())
    sweep(now=SUPERVISION)
    send_outbox()  # the console backend gives each SMS a sid, as Twilio would
    head_sms = db.session.scalar(
        select(OutboxMessage).where(
            OutboxMessage.template == "supervision", OutboxMessage.to == unit.head_phone
        )
    )
    assert head_sms.status == "sent"

    callback(signed, head_sms.provider_sid, "undelivered", ErrorCode="30003")

    assert head_sms.status == "undelivered"
    [notice] = inspector_notices()
    assert notice.ticket_id == ticket.id
    assert render_notice(notice.template, notice.params) == (
        f"工单{ticket.number}发往市城管局（139****5678）的督办短信未送达："
        "错误30003，手机无法接通。已改发单位值班电话137****5678。"
    )
    assert render_notice(notice.template, notice.params, "en") == (
        f"The supervision SMS about ticket {ticket.number} to 市城管局 (139****5678) was not "
        "delivered: error 30003, handset unreachable. It was sent again to the unit's duty "
        "phone 137****5678."
    )
    [copy] = resent()
    assert (copy.to, copy.body, copy.template, copy.status, copy.ticket_id) == (
        unit.duty_phone,
        head_sms.body,
        "supervision",
        "pending",
        ticket.id,
    )
    assert copy.dedupe_key == f"resend:{head_sms.id}"
    assert notice.params["resend"] == copy.id


def test_a_repeated_or_later_failure_callback_does_nothing_more(unit, signed):
    sms = sent(unit=unit, template="supervision", to=unit.head_phone, sid="SM" + "a" * 32)
    callback(signed, sms.provider_sid, "undelivered", ErrorCode="30005")
    callback(signed, sms.provider_sid, "undelivered", ErrorCode="30005")
    callback(signed, sms.provider_sid, "failed", ErrorCode="30008")
    callback(signed, sms.provider_sid, "delivered")
    assert sms.status == "undelivered"
    assert len(inspector_notices()) == 1
    assert len(resent()) == 1


def test_an_sms_that_failed_on_the_duty_phone_is_not_sent_there_again(unit, signed):
    sms = sent(unit=unit, template="overdue", to=unit.duty_phone, sid="SM" + "b" * 32)
    callback(signed, sms.provider_sid, "failed", ErrorCode="30006")
    [notice] = inspector_notices()
    assert notice.params["action"] == "same_number"
    assert render_notice(notice.template, notice.params).endswith(
        "错误30006，固定电话或运营商无法送达。该号码即单位值班电话，未再重发。"
    )
    assert resent() == []


def test_the_copy_to_the_duty_phone_is_sent_once_however_it_fares(unit, signed):
    sms = sent(unit=unit, template="interview", to=unit.head_phone, sid="SM" + "c" * 32)
    callback(signed, sms.provider_sid, "undelivered", ErrorCode="30003")
    [copy] = resent()
    copy.status, copy.provider_sid = "sent", "SM" + "d" * 32
    db.session.flush()
    callback(signed, copy.provider_sid, "undelivered", ErrorCode="30003")
    assert [n.params["action"] for n in inspector_notices()] == ["resent", "resend_failed"]
    assert len(resent()) == 1


def test_a_callback_without_an_error_code_still_names_the_failure(unit, signed):
    sms = sent(unit=unit, template="supervision", to=unit.head_phone, sid="SM" + "e" * 32)
    callback(signed, sms.provider_sid, "failed")
    [notice] = inspector_notices()
    assert "未提供错误码" in render_notice(notice.template, notice.params)


def test_a_hostile_error_code_is_not_repeated_to_inspectors(unit, signed):
    sms = sent(unit=unit, template="supervision", to=unit.head_phone, sid="SM" + "f" * 32)
    callback(signed, sms.provider_sid, "undelivered", ErrorCode="<script>alert(1)</script>" * 50)
    [notice] = inspector_notices()
    assert notice.params["error"] == "?"
    assert "<script>" not in render_notice(notice.template, notice.params)


def test_a_digest_sms_names_its_unit_and_is_quoted(unit, signed):
    sms = sent(unit=unit, template="digest_supervision", to=unit.head_phone, sid="SM" + "1" * 32)
    callback(signed, sms.provider_sid, "undelivered", ErrorCode="30007")
    [notice] = inspector_notices()
    assert notice.template == "delivery_failed_unit"
    assert render_notice(notice.template, notice.params) == (
        "发往市城管局（139****5678）的督办汇总短信未送达：错误30007，被运营商过滤。"
        "已改发单位值班电话137****5678。"
    )
    assert notice.params["text"] == sms.body  # the page quotes the SMS, which lists the tickets
    assert len(resent()) == 1


def test_a_unit_with_no_duty_phone_is_told_as_such(unit, signed):
    unit.duty_phone = None
    sms = sent(unit=unit, template="supervision", to=unit.head_phone, sid="SM" + "2" * 32)
    callback(signed, sms.provider_sid, "undelivered", ErrorCode="30003")
    [notice] = inspector_notices()
    assert notice.params["action"] == "no_duty_phone"
    assert resent() == []


def test_other_sms_that_fail_are_only_recorded(unit, signed):
    sms = sent(unit=unit, template="dispatch_unit", to=unit.duty_phone, sid="SM" + "3" * 32)
    ack = OutboxMessage(
        channel="sms",
        to="+8613812345678",
        template="ack",
        body="【12345热线】…",
        status="sent",
        provider_sid="SM" + "4" * 32,
        created_at=SUPERVISION,
    )
    db.session.add(ack)
    db.session.flush()
    callback(signed, sms.provider_sid, "undelivered", ErrorCode="30003")
    callback(signed, ack.provider_sid, "failed", ErrorCode="30003")
    assert (sms.status, ack.status) == ("undelivered", "failed")
    assert inspector_notices() == []
    assert resent() == []


def test_an_unknown_sid_is_kept_and_handled_once_the_sender_stores_it(unit, signed):
    from hotline.notify import delivery_status

    sid = "SM" + "5" * 32
    callback(signed, sid, "undelivered", ErrorCode="30003")  # before the sender's commit
    assert inspector_notices() == []
    sms = sent(unit=unit, template="supervision", to=unit.head_phone, sid=sid)
    delivery_status.apply_early_callbacks(sms)  # what the sender does after storing the sid
    assert sms.status == "undelivered"
    assert len(inspector_notices()) == 1
    assert len(resent()) == 1


def test_a_send_twilio_refuses_for_good_is_a_failed_delivery_too(unit, twilio, clock):
    ticket = ticket_in("accepted", unit=unit)
    clock.set("2026-10-14T00:00:00+08:00")
    sweep(now=clock.now)
    send_outbox()  # the dispatch and 催办 SMS go through
    clock.set(SUPERVISION.isoformat())
    sweep(now=SUPERVISION)
    twilio.fail_next = [400]  # the API refuses the head's number: retrying cannot help
    send_outbox()
    head_sms = db.session.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.template == "supervision")
        .where(OutboxMessage.to == unit.head_phone)
    )
    assert head_sms.status == "failed"
    [notice] = inspector_notices()
    assert (notice.ticket_id, notice.params["action"]) == (ticket.id, "resent")
    assert [m.to for m in resent()] == [unit.duty_phone]


def test_a_head_who_opted_out_is_reached_through_the_duty_phone(unit, clock):
    ticket_in("accepted", unit=unit)
    db.session.add(SmsOptOut(phone=unit.head_phone, at=clock.now))
    clock.set(SUPERVISION.isoformat())
    sweep(now=SUPERVISION)
    send_outbox()
    [notice] = inspector_notices()
    assert "对方已回复TD退订，未发送" in render_notice(notice.template, notice.params)
    [copy] = resent()
    assert copy.to == unit.duty_phone
