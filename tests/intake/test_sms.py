"""SMS webhook: signed texts open tickets, CX/查询 report status, 1–5 rate, TD/STOP opt out."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from hotline.core.extensions import db
from hotline.core.models import WebhookDelivery
from hotline.notify.models import SmsOptOut
from hotline.tickets.models import Ticket, TicketEvent
from tests.factories import UnitFactory, ticket_in
from tests.intake.helpers import PUBLIC, message_text, twiml

PHONE = "+8613812345678"
_sid = iter(range(1, 10_000))


def sms(twilio, body: str, *, phone: str = PHONE, sid: str | None = None, **extra: str):
    data = {
        "MessageSid": sid or f"SM{next(_sid):032d}",
        "AccountSid": "AC" + "1" * 32,
        "From": phone,
        "To": "+8612345000000",
        "Body": body,
        "NumMedia": "0",
    }
    data.update(extra)
    return twilio.post("/twilio/sms", data)


def ticket_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Ticket))


def test_new_text_opens_an_sms_ticket_and_answers_with_number_and_deadline(twilio, clock, woken):
    clock.set("2026-09-30T10:00:00+08:00")
    answer = message_text(sms(twilio, "小区门口夜间施工噪音扰民，请处理"))

    ticket = db.session.scalars(select(Ticket)).one()
    assert ticket.channel == "sms"
    assert ticket.complainant_phone == PHONE
    assert ticket.description == "小区门口夜间施工噪音扰民，请处理"
    assert ticket.status == "new"
    assert ticket.number.startswith("20260930-")
    assert ticket.number in answer
    # 5 working days for a complaint from 30 September: the National Day week is skipped.
    assert "2026-10-14 00:00" in answer
    assert "受理" in answer
    assert woken == ["route"]  # routing is left to the worker, after commit


def test_phone_numbers_are_stored_in_e164(twilio):
    sms(twilio, "路灯不亮", phone="13900001111")
    assert db.session.scalars(select(Ticket)).one().complainant_phone == "+8613900001111"


def test_mms_media_urls_are_kept_on_the_ticket(twilio):
    urls = [
        f"https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME{i}" for i in (1, 2)
    ]
    sms(twilio, "垃圾堆放", NumMedia="2", MediaUrl0=urls[0], MediaUrl1=urls[1])
    assert db.session.scalars(select(Ticket)).one().media == urls


def test_english_text_gets_an_english_answer_and_ticket_locale(twilio):
    answer = message_text(sms(twilio, "The street light on Main Road is broken"))
    ticket = db.session.scalars(select(Ticket)).one()
    assert ticket.locale == "en"
    assert f"registered as ticket {ticket.number}" in answer


def test_twilio_retry_of_the_same_message_creates_nothing_and_answers_the_same(twilio):
    first = sms(twilio, "井盖缺失很危险", sid="SM" + "a" * 32)
    again = sms(twilio, "井盖缺失很危险", sid="SM" + "a" * 32)
    assert ticket_count() == 1
    assert again.data == first.data
    assert db.session.scalar(select(func.count()).select_from(WebhookDelivery)) == 1


def test_a_retried_rating_answers_as_the_first_and_rates_once(twilio):
    ticket = ticket_in("replied", unit=UnitFactory(), phone=PHONE)
    first = sms(twilio, "5", sid="SM" + "e" * 32)
    again = sms(twilio, "5", sid="SM" + "e" * 32)  # by now there is nothing left to rate
    assert again.data == first.data
    assert "5" in message_text(first)
    assert ticket.status == "closed"
    rated = select(func.count()).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.type == "rated"
    )
    assert db.session.scalar(rated) == 1


def test_a_retry_whose_handler_now_fails_answers_as_the_first(twilio, app):
    from hotline.core.errors import ValidationFailed
    from hotline.intake import deliveries

    def refuse() -> tuple[str, int | None]:
        raise ValidationFailed("no longer possible")

    with app.test_request_context():
        assert deliveries.once("sms:SMfirst", lambda: ("<Response/>", None), look_first=False)
        db.session.commit()  # the first delivery's request ends: its unit of work commits
        assert deliveries.once("sms:SMfirst", refuse, look_first=False) == "<Response/>"
        with pytest.raises(ValidationFailed):  # no earlier answer to give: the failure stands
            deliveries.once("sms:SMnever", refuse, look_first=False)


def test_forged_signature_is_refused_and_creates_nothing(twilio):
    data = {"MessageSid": "SM" + "b" * 32, "From": PHONE, "Body": "伪造"}
    assert twilio.post("/twilio/sms", data, token="not-the-token").status_code == 403
    assert twilio.post("/twilio/sms", data, signature="").status_code == 403
    # Signed for another URL (as if the proxy's internal address were trusted): refused too.
    assert (
        twilio.post("/twilio/sms", data, url="http://10.0.0.5:8000/twilio/sms").status_code == 403
    )
    assert ticket_count() == 0


def test_tampered_body_fails_the_signature(twilio, client):
    from twilio.request_validator import RequestValidator

    data = {"MessageSid": "SM" + "c" * 32, "From": PHONE, "Body": "原文"}
    sig = RequestValidator("test-auth-token").compute_signature(PUBLIC + "/twilio/sms", data)
    response = client.post(
        "/twilio/sms", data=data | {"Body": "篡改"}, headers={"X-Twilio-Signature": sig}
    )
    assert response.status_code == 403
    assert ticket_count() == 0


def test_cx_reports_the_status_of_the_senders_ticket(twilio):
    unit = UnitFactory(name="市城管局")
    ticket = ticket_in("dispatched", unit=unit, phone=PHONE)
    answer = message_text(sms(twilio, f"CX {ticket.number}"))
    assert ticket.number in answer
    assert "已派单" in answer
    assert "市城管局" in answer


def test_chinese_query_command_and_number_without_dash_work(twilio):
    ticket = ticket_in("accepted", unit=UnitFactory(), phone=PHONE)
    answer = message_text(sms(twilio, f"查询{ticket.number.replace('-', '')}"))
    assert ticket.number in answer
    assert "办理中" in answer


def test_cx_for_someone_elses_ticket_is_politely_not_found(twilio):
    ticket = ticket_in("dispatched", unit=UnitFactory(), phone="13700000000")
    answer = message_text(sms(twilio, f"cx {ticket.number}"))
    assert "未找到" in answer
    assert "已派单" not in answer
    assert ticket_count() == 1  # the query opened no ticket


def test_cx_for_an_unknown_number_is_not_found(twilio):
    answer = message_text(sms(twilio, "CX 20990101-000001"))
    assert "未找到" in answer
    assert "20990101-000001" in answer
    assert ticket_count() == 0


def test_rating_5_closes_the_answered_ticket(twilio):
    ticket = ticket_in("replied", unit=UnitFactory(), phone=PHONE)
    answer = message_text(sms(twilio, "5"))
    assert ticket.status == "closed"
    assert ticket.rating == 5
    assert "非常满意" in answer
    assert "办结" in answer


def test_rating_2_reopens_the_ticket_with_a_new_deadline(twilio):
    ticket = ticket_in("replied", unit=UnitFactory(), phone=PHONE)
    answer = message_text(sms(twilio, "２"))  # full-width digits are common on phones
    assert ticket.rating == 2
    assert ticket.status == "accepted"
    assert ticket.reopen_count == 1
    assert "重新办理" in answer
    types = db.session.scalars(select(TicketEvent.type).where(TicketEvent.ticket_id == ticket.id))
    assert "reopened" in list(types)


def test_each_rating_from_1_to_5_is_recorded(twilio):
    for value in range(1, 6):
        phone = f"+861380000000{value}"
        ticket = ticket_in("replied", unit=UnitFactory(), phone=phone)
        sms(twilio, str(value), phone=phone)
        assert ticket.rating == value
        assert ticket.status == ("closed" if value >= 3 else "accepted")


def test_a_digit_with_nothing_to_rate_opens_no_ticket(twilio):
    answer = message_text(sms(twilio, "4"))
    assert "暂无待评价" in answer
    assert ticket_count() == 0


def test_rating_only_applies_to_the_senders_own_ticket(twilio):
    ticket = ticket_in("replied", unit=UnitFactory(), phone="13700000000")
    sms(twilio, "1")
    assert ticket.status == "replied"
    assert ticket.rating is None


def test_td_opts_out_with_a_chinese_confirmation(twilio):
    answer = message_text(sms(twilio, "TD"))
    assert db.session.get(SmsOptOut, PHONE) is not None
    assert "退订" in answer
    assert ticket_count() == 0


def test_stop_opts_out_with_an_english_confirmation_and_is_idempotent(twilio):
    answer = message_text(sms(twilio, "stop"))
    message_text(sms(twilio, "STOP"))
    assert db.session.scalar(select(func.count()).select_from(SmsOptOut)) == 1
    assert "no more notifications" in answer


def test_an_empty_text_asks_for_a_description(twilio):
    answer = message_text(sms(twilio, "   "))
    assert "文字描述" in answer
    assert ticket_count() == 0


def test_every_answer_is_one_wellformed_message(twilio):
    for body in ("噪音 <扰民> & 施工", "CX", "TD", "3"):
        root = twiml(sms(twilio, body, phone="13911112222"))
        assert [child.tag for child in root] == ["Message"]


def test_twilio_needs_no_csrf_token_even_when_csrf_is_on(twilio, csrf_on):
    assert "受理" in message_text(sms(twilio, "楼道灯坏了"))
    assert ticket_count() == 1


@pytest.mark.committed
def test_on_postgresql_a_text_is_one_statement_and_its_retries_draw_no_number(app, clock, woken):
    """Outside any test transaction, as in production: the ticket, its event and the delivery
    commit together in autocommit, and a Twilio retry leaves no gap in the day's numbers."""
    from sqlalchemy import Engine, delete, event, text

    from tests.intake.helpers import Twilio

    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("the one-statement SMS intake is PostgreSQL's")
    clock.set("2031-01-07T10:00:00+08:00")  # a day no other test numbers tickets on
    inserts: list[bool] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if "INSERT INTO tickets" in statement:
            inserts.append(conn.connection.driver_connection.autocommit)

    twilio = Twilio(app.test_client())
    sids = ["SM" + "c" * 32, "SM" + "d" * 32]
    event.listen(Engine, "before_cursor_execute", record)
    try:
        first = sms(twilio, "共享单车乱停放堵住盲道", sid=sids[0])
        again = sms(twilio, "共享单车乱停放堵住盲道", sid=sids[0])
        second = sms(twilio, "路边摊占道经营", sid=sids[1])

        assert inserts == [True, True, True]  # each text: one statement, no BEGIN or COMMIT
        assert again.data == first.data
        assert "20310107-000001" in message_text(first)
        assert "20310107-000002" in message_text(second)  # the retry drew no number
        assert woken == ["route", "route"]
        with app.app_context():
            stored = db.session.scalar(
                select(WebhookDelivery.response).where(WebhookDelivery.key == f"sms:{sids[0]}")
            )
            assert stored == first.data.decode()
    finally:
        event.remove(Engine, "before_cursor_execute", record)
        with app.app_context():
            numbers = select(Ticket.id).where(Ticket.number.like("20310107-%"))
            db.session.execute(
                delete(WebhookDelivery).where(WebhookDelivery.ticket_id.in_(numbers))
            )
            db.session.execute(delete(TicketEvent).where(TicketEvent.ticket_id.in_(numbers)))
            db.session.execute(delete(Ticket).where(Ticket.number.like("20310107-%")))
            db.session.execute(text("DROP SEQUENCE IF EXISTS ticket_numbers_20310107"))
            db.session.commit()


def test_without_a_configured_auth_token_webhooks_are_refused_not_trusted(twilio, app, caplog):
    """No TWILIO_AUTH_TOKEN: even a request signed with the old public dev token is refused."""
    data = {"MessageSid": "SM" + "c" * 32, "From": PHONE, "Body": "路灯坏了"}
    token = app.config["TWILIO_AUTH_TOKEN"]
    app.config["TWILIO_AUTH_TOKEN"] = ""
    try:
        response = twilio.post("/twilio/sms", data, token="dev-twilio-auth-token")
        voice = twilio.post("/twilio/voice", {"CallSid": "CA" + "c" * 32, "From": PHONE})
    finally:
        app.config["TWILIO_AUTH_TOKEN"] = token
    assert response.status_code == 503
    assert voice.status_code == 503
    assert "TWILIO_AUTH_TOKEN is not set" in caplog.text
    assert ticket_count() == 0


def test_the_environment_gives_no_default_auth_token(monkeypatch):
    import config as config_module

    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    monkeypatch.setenv("HOTLINE_ENV", "development")
    assert config_module.load().TWILIO_AUTH_TOKEN == ""


def test_media_urls_that_are_not_http_links_are_not_kept(twilio):
    data = {
        "MessageSid": "SM" + "d" * 32,
        "From": PHONE,
        "Body": "路面塌陷，见图",
        "NumMedia": "3",
        "MediaUrl0": "javascript:alert(document.cookie)",
        "MediaUrl1": "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1",
        "MediaUrl2": "data:text/html,<script>alert(1)</script>",
    }
    assert twilio.post("/twilio/sms", data).status_code == 200
    ticket = db.session.scalar(select(Ticket))
    assert ticket.media == ["https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"]


def test_a_text_that_loses_every_race_is_answered_to_send_again_not_500(twilio, monkeypatch):
    from sqlalchemy.orm.exc import StaleDataError

    from hotline.intake import service as intake

    ticket = ticket_in("replied", unit=UnitFactory())
    db.session.commit()

    def always_stale(*args, **kwargs):
        raise StaleDataError("UPDATE statement on table 'tickets' expected to update 1 row")

    monkeypatch.setattr(intake, "rate", always_stale)
    answer = message_text(sms(twilio, "5", sid="SM" + "9" * 32))
    assert "系统繁忙" in answer
    assert "重新发送" in answer
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).rating is None
    stored = select(WebhookDelivery).where(WebhookDelivery.key == "sms:SM" + "9" * 32)
    assert db.session.scalar(stored) is None  # Twilio's retry, or the resent text, runs anew
