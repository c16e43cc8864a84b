"""The public web form, the status lookup by number + phone, and the rating page."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import func, select

from hotline.core.extensions import db, limiter
from hotline.tickets.models import Ticket
from hotline.tickets.rating_link import rating_token
from tests.factories import CategoryFactory, UnitFactory, ticket_in

GOOD = {
    "kind": "complaint",
    "category": "",
    "description": "幸福路菜市场门口占道经营，早高峰堵车",
    "address": "幸福路12号",
    "district": "东城区",
    "phone": "138 1234 5678",
    "name": "李女士",
    "disclose_identity": "y",
}


def tickets() -> int:
    return db.session.scalar(select(func.count()).select_from(Ticket))


def page(response) -> str:
    return response.get_data(as_text=True)


# One request per language: the test's app context (kept open for the rolled-back
# transaction) would otherwise cache the first request's locale.
def test_the_form_is_chinese_by_default(client):
    zh = page(client.get("/complaints/new"))
    assert "提交诉求" in zh
    assert "手机号码" in zh
    assert 'lang="zh-CN"' in zh


def test_the_form_is_english_on_request(client):
    en = page(client.get("/complaints/new?lang=en"))
    assert "File a complaint" in en
    assert "Mobile phone" in en
    assert 'lang="en"' in en


def test_the_form_offers_the_active_categories_only(client):
    CategoryFactory(code="ROAD", name="道路破损")
    CategoryFactory(code="OLD", name="停用类别", active=False)
    html = page(client.get("/complaints/new"))
    assert "道路破损" in html
    assert "停用类别" not in html


def test_a_good_submission_creates_a_web_ticket_and_shows_number_and_deadline(client, clock, woken):
    clock.set("2026-09-30T10:00:00+08:00")
    category = CategoryFactory(code="MKT", kind="complaint")
    response = client.post("/complaints/new", data=GOOD | {"category": "MKT"})
    assert response.status_code == 200
    ticket = db.session.scalars(select(Ticket)).one()
    assert (ticket.channel, ticket.kind, ticket.category_id) == ("web", "complaint", category.id)
    assert ticket.complainant_phone == "+8613812345678"
    assert (ticket.complainant_name, ticket.disclose_identity, ticket.confidential) == (
        "李女士",
        True,
        False,
    )
    assert (ticket.address, ticket.district) == ("幸福路12号", "东城区")
    html = page(response)
    assert ticket.number in html
    assert "2026-10-14 00:00" in html  # 5 working days, National Day week skipped
    assert woken == ["route"]


def test_an_english_submission_records_the_locale(client):
    client.post("/complaints/new?lang=en", data=GOOD)
    assert db.session.scalars(select(Ticket)).one().locale == "en"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("description", "   ", "请填写诉求内容"),
        ("description", "长" * 4001, "不能超过4000个字"),
        ("kind", "gossip", "请选择诉求类型"),
        ("category", "NOPE", "未知的问题类别"),
        ("address", "", "请填写事发地址"),
        ("address", "路" * 301, "不能超过300个字"),
        ("district", "区" * 61, "不能超过60个字"),
        ("phone", "", "请填写能联系到您的手机号码"),
        ("phone", "12", "手机号码格式不正确"),
        ("name", "名" * 61, "不能超过60个字"),
    ],
)
def test_each_invalid_field_gets_its_own_message_and_nothing_is_created(
    client, field, value, message
):
    response = client.post("/complaints/new", data=GOOD | {field: value})
    assert response.status_code == 422
    html = page(response)
    assert re.search(rf'id="{field}-error">[^<]*{message}', html), html
    assert tickets() == 0
    if field != "description":  # what the complainant typed is kept
        assert GOOD["description"] in html


def test_english_error_messages(client):
    response = client.post("/complaints/new?lang=en", data=GOOD | {"phone": "12"})
    assert "This is not a valid phone number." in page(response)


def test_csrf_token_is_required_when_enabled(client, csrf_on):
    assert client.post("/complaints/new", data=GOOD).status_code == 400
    assert tickets() == 0
    html = page(client.get("/complaints/new"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)[1]
    assert client.post("/complaints/new", data=GOOD | {"csrf_token": token}).status_code == 200
    assert tickets() == 1


@pytest.fixture
def rate_limits() -> Iterator[None]:
    """Turn the (globally disabled) limiter on with fresh in-memory counters for one test."""
    bare = Flask("rate-limit-test")
    bare.config.update(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    before = limiter.enabled, limiter.initialized
    limiter.init_app(bare)
    limiter.reset()
    try:
        yield
    finally:
        limiter.reset()
        limiter.enabled, limiter.initialized = before


def test_rate_limit_per_phone(client, rate_limits):
    for _ in range(3):
        assert client.post("/complaints/new", data=GOOD).status_code == 200
    assert client.post("/complaints/new", data=GOOD).status_code == 429
    assert tickets() == 3
    # Another phone from the same address is still welcome.
    other = GOOD | {"phone": "13900009999"}
    assert client.post("/complaints/new", data=other).status_code == 200


def test_rate_limit_per_ip(client, rate_limits):
    statuses = [
        client.post("/complaints/new", data=GOOD | {"phone": f"1390000000{i}"}).status_code
        for i in range(6)
    ]
    assert statuses == [200] * 5 + [429]
    assert client.get("/complaints/new").status_code == 200  # reading the form is not limited


def test_status_lookup_needs_the_matching_phone(client):
    unit = UnitFactory(name="东城区市场监管所")
    ticket = ticket_in("dispatched", unit=unit, phone="13812345678")
    found = client.get(f"/complaints/status?number={ticket.number}&phone=13812345678")
    assert found.status_code == 200
    assert "已派单" in page(found)
    assert "东城区市场监管所" in page(found)
    wrong = client.get(f"/complaints/status?number={ticket.number}&phone=13900000000")
    assert wrong.status_code == 404
    assert "东城区市场监管所" not in page(wrong)
    assert "未找到" in page(wrong)
    unknown = client.get("/complaints/status?number=20990101-000001&phone=13812345678")
    assert unknown.status_code == 404


def test_the_rating_link_rates_and_closes(client):
    ticket = ticket_in("replied", unit=UnitFactory(), phone="13812345678")
    url = f"/complaints/rate/{rating_token(ticket.number)}"
    form = client.get(url)
    assert form.status_code == 200
    assert "已现场处理" in page(form)
    done = client.post(url, data={"rating": "4", "comment": "处理及时"})
    assert done.status_code == 200
    assert "工单已办结" in page(done)
    assert (ticket.status, ticket.rating) == ("closed", 4)
    assert client.get(url).status_code == 409  # rated once only


def test_an_unsatisfied_rating_on_the_page_reopens(client):
    ticket = ticket_in("replied", unit=UnitFactory(), phone="13812345678")
    response = client.post(f"/complaints/rate/{rating_token(ticket.number)}", data={"rating": "1"})
    assert "重新办理" in page(response)
    assert (ticket.status, ticket.reopen_count) == ("accepted", 1)


def test_the_rating_page_requires_a_valid_rating_and_token(client):
    ticket = ticket_in("replied", unit=UnitFactory(), phone="13812345678")
    db.session.commit()  # the ticket must survive a request that rolls back
    url = f"/complaints/rate/{rating_token(ticket.number)}"
    assert client.post(url, data={"rating": "9"}).status_code == 422
    assert ticket.status == "replied"
    assert client.get(url[:-3] + "xyz").status_code == 404


def test_status_lookups_are_rate_limited_per_ip(client, rate_limits):
    codes = [
        client.get("/complaints/status?number=20990101-000001&phone=1").status_code
        for _ in range(21)
    ]
    assert codes == [404] * 20 + [429]


def test_a_forged_x_forwarded_for_does_not_reset_the_per_ip_limit(client, rate_limits):
    """Without a configured proxy, X-Forwarded-For is the client's own claim: ignored."""
    statuses = [
        client.post(
            "/complaints/new",
            data=GOOD | {"phone": f"1390000001{i}"},
            headers={"X-Forwarded-For": f"203.0.113.{i}"},
        ).status_code
        for i in range(6)
    ]
    assert statuses == [200] * 5 + [429]


def test_behind_a_configured_proxy_its_forwarded_address_counts():
    import config as config_module
    from hotline import create_app

    cfg = config_module.Config(
        SECRET_KEY="x",
        SQLALCHEMY_DATABASE_URI="sqlite://",
        TRUSTED_PROXIES=1,
        RATELIMIT_ENABLED=False,  # the limiter is one object: leave it as the suite set it
    )
    app = create_app(cfg)

    @app.get("/_whoami")
    def _whoami() -> str:
        from flask import request

        return request.remote_addr or ""

    seen = app.test_client().get(
        "/_whoami",
        headers={"X-Forwarded-For": "198.51.100.7"},
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
    )
    assert seen.text == "198.51.100.7"


def test_rate_limit_counters_live_in_redis_whenever_redis_is_configured(monkeypatch):
    import config as config_module

    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    assert config_module.limiter_storage("") == "memory://"
    assert config_module.limiter_storage("redis://10.1.2.3:6379/0") == "redis://10.1.2.3:6379/0"
    assert config_module.limiter_storage("unix:///tmp/r.sock") == "redis+unix:///tmp/r.sock"
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    assert config_module.load().RATELIMIT_STORAGE_URI == "redis://127.0.0.1:6379/3"


def test_submitting_the_same_form_twice_opens_one_ticket(client):
    html = page(client.get("/complaints/new"))
    submission = re.search(r'name="submission" type="hidden" value="([0-9a-f]{32})"', html)[1]
    first = client.post("/complaints/new", data=GOOD | {"submission": submission})
    again = client.post("/complaints/new", data=GOOD | {"submission": submission})
    assert first.status_code == again.status_code == 200
    numbers = {re.search(r"\d{8}-\d{6}", page(r))[0] for r in (first, again)}
    assert len(numbers) == 1  # the second answer names the ticket the first one opened
    assert tickets() == 1
    other = client.post("/complaints/new", data=GOOD | {"submission": "f" * 32})
    assert other.status_code == 200
    assert tickets() == 2  # a new form is a new complaint


@pytest.mark.parametrize("submission", ["", "../../etc", "x" * 200])
def test_a_missing_or_odd_submission_id_still_files_the_complaint(client, submission):
    assert client.post("/complaints/new", data=GOOD | {"submission": submission}).status_code == 200
    assert tickets() == 1


def test_the_form_asks_for_consent_to_publish_and_keeps_the_answer(client):
    html = page(client.get("/complaints/new"))
    assert 'name="publish_consent"' in html
    assert "同意在隐去姓名、电话和门牌号后公开" in html
    assert client.post("/complaints/new", data=GOOD | {"publish_consent": "y"}).status_code == 200
    ticket = db.session.scalar(select(Ticket))
    assert ticket.publish_consent is True
    assert ticket.published_at is None  # consent alone publishes nothing
