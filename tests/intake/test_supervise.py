"""/supervise and /supervise/new: a special supervisor files from a phone and follows what they
filed; nobody else gets in, and they get into no staff page."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from hotline.auth.models import User
from hotline.core.actor import Actor
from hotline.core.clock import utcnow
from hotline.core.extensions import db
from hotline.tickets import filed
from hotline.tickets import service as tickets
from hotline.tickets import transitions as tx
from hotline.tickets.models import Ticket
from tests.factories import OPERATOR, PASSWORD, CategoryFactory, UnitFactory, UserFactory
from tests.factories import unit_actor as unit_staff
from tests.support.supervisors import appointed, station

GOOD = {
    "kind": "report",
    "category": "",
    "description": "暗访：不动产登记窗口午间无人值守，群众排队等候四十分钟。",
    "address": "市民中心二楼",
    "district": "东城区",
}


def page(response) -> str:
    return response.get_data(as_text=True)


def login(client: FlaskClient, user: User) -> FlaskClient:
    db.session.commit()  # the user must outlive the requests
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, page(response)[:300]
    return client


def filings() -> list[Ticket]:
    return list(db.session.scalars(select(Ticket).where(Ticket.channel == "supervisor")))


def file_as(user: User, text: str, **fields) -> Ticket:
    actor = Actor.of(user)
    return tickets.create(
        actor=actor,
        channel="supervisor",
        filer=filed.filer_for(actor, now=utcnow()),
        description=text,
        phone=None,
        **fields,
    )


@pytest.fixture
def special(session) -> User:
    return appointed()


def test_signing_in_lands_on_their_own_page(client, special, clock):
    db.session.commit()
    response = client.post("/login", data={"username": special.username, "password": PASSWORD})
    assert response.headers["Location"].endswith("/supervise")
    assert client.get("/").headers["Location"].endswith("/supervise")


def test_anonymous_callers_are_sent_to_sign_in_and_staff_are_refused(client, session, clock):
    assert "/login" in client.get("/supervise/new").headers["Location"]
    assert "/login" in client.post("/supervise/new", data=GOOD).headers["Location"]
    login(client, UserFactory(role="operator"))
    assert client.get("/supervise").status_code == 403
    assert client.post("/supervise/new", data=GOOD).status_code == 403
    assert filings() == []


def test_the_form_is_chinese_and_made_for_a_phone(client, special, clock):
    html = page(login(client, special).get("/supervise/new"))
    assert 'lang="zh-CN"' in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    for text in ("我要反映", "投诉", "暗访报告", "反映内容", "地点", "提交"):
        assert text in html
    assert 'name="csrf_token"' in html


def test_the_form_reads_in_english_on_request(client, special, clock):
    html = page(login(client, special).get("/supervise/new?lang=en"))
    assert 'lang="en"' in html
    assert "File a report" in html
    assert "Spot-check report" in html


def test_a_filing_is_a_supervisor_ticket_in_their_own_name(client, special, clock):
    category = CategoryFactory(code="biz_approval", name="营商环境-行政审批")
    login(client, special)

    response = client.post(
        "/supervise/new",
        data={**GOOD, "category": category.code, "confidential": "y", "name": "冒名者"},
    )

    assert response.status_code == 302
    [ticket] = filings()
    assert response.headers["Location"].endswith(f"/supervise?filed={ticket.number}")
    assert (ticket.kind, ticket.status, ticket.category_id) == ("report", "new", category.id)
    assert ticket.complainant_phone == "+8613905710001"
    assert ticket.complainant_name == "刘建华"
    assert ticket.confidential is True
    assert ticket.filed_by_id == special.id
    home = page(client.get(response.headers["Location"]))
    assert f"已提交，工单号 {ticket.number}" in home
    assert "已受理" in home  # its status, in words


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"description": "  "}, "description"),
        ({"description": "长" * 4001}, "description"),
        ({"address": ""}, "address"),
        ({"district": "区" * 61}, "district"),
        ({"category": "NO-SUCH"}, "category"),
        ({"kind": "consultation"}, "kind"),
    ],
)
def test_bad_input_is_shown_on_the_form_and_files_nothing(client, special, clock, change, field):
    response = login(client, special).post("/supervise/new", data={**GOOD, **change})

    assert response.status_code == 422
    assert f'id="{field}-error"' in page(response)
    assert filings() == []


def test_a_double_tap_files_once(client, special, clock):
    login(client, special)
    form = {**GOOD, "submission": "a" * 32}
    first = client.post("/supervise/new", data=form)
    second = client.post("/supervise/new", data=form)

    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert len(filings()) == 1


def test_hostile_input_is_refused_or_shown_as_text(client, special, clock):
    login(client, special)
    nul = client.post("/supervise/new", data={**GOOD, "description": "窗口\x00推诿"})
    assert nul.status_code == 422
    huge = client.post("/supervise/new", data={**GOOD, "description": "长" * 200_000})
    assert huge.status_code == 413
    marked = client.post(
        "/supervise/new", data={**GOOD, "description": "<script>alert(1)</script>"}
    )
    assert marked.status_code == 302
    home = page(client.get("/supervise"))
    assert "<script>alert(1)</script>" not in home
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in home


def test_the_home_shows_their_filings_with_status_and_reply_and_nobody_elses(
    client, special, clock
):
    unit = UnitFactory(name="市政务服务和数据管理局")
    answered = file_as(special, "窗口要求提供清单外材料", kind="report")
    tx.dispatch(answered, actor=OPERATOR, unit=unit.code)
    tx.accept(answered, actor=unit_staff(unit))
    tx.reply(answered, actor=unit_staff(unit), text="已责令窗口整改，公布材料清单。")
    waiting = file_as(special, "高新技术企业认定两个月无答复")
    someone = appointed(name="孙立平", phone="+8613905710004")
    file_as(someone, "别人的反映，不该出现")

    home = page(login(client, special).get("/supervise"))

    assert answered.number in home
    assert waiting.number in home
    assert "已答复" in home
    assert "已责令窗口整改，公布材料清单。" in home
    assert "市政务服务和数据管理局" in home
    assert "评价答复" in home  # they are its complainant: they may rate the answer
    assert "别人的反映" not in home
    assert home.index(waiting.number) < home.index(answered.number)  # newest first


def test_a_station_sees_its_staffs_filings(client, session, clock):
    desk = station(name="市民中心营商环境监督测评站点")
    first = appointed(name="周敏", phone="+8613905710002", unit=desk)
    second = appointed(name="郑凯", phone="+8613905710003", unit=desk)
    mine = file_as(first, "周敏的反映")
    theirs = file_as(second, "郑凯的反映")

    home = page(login(client, first).get("/supervise"))

    assert mine.number in home
    assert theirs.number in home
    assert "站点的反映" in home
    assert "市民中心营商环境监督测评站点" in home


def test_out_of_term_they_read_but_cannot_file(client, session, clock):
    user = appointed(term_ends_on=date(2026, 9, 30))
    clock.set("2026-09-30T20:00:00+08:00")
    login(client, user)
    clock.set("2026-10-01T09:00:00+08:00")

    home = page(client.get("/supervise"))
    assert 'data-test="not-serving"' in home
    refused = client.post("/supervise/new", data=GOOD)
    assert refused.status_code == 403
    assert 'data-test="refused"' in page(refused)
    assert filings() == []


def test_no_staff_page_opens_to_them(client, special, clock, session):
    unit = UnitFactory()
    own = file_as(special, "我的反映")
    tx.dispatch(own, actor=OPERATOR, unit=unit.code)
    login(client, special)
    for path in (
        "/console",
        "/workbench",
        "/dashboard",
        "/admin",
        "/admin/supervisors",
        "/notices",
        f"/tickets/{own.number}",
        f"/tickets/{own.number}/print.pdf",
        f"/tickets?number={own.number}",
    ):
        assert client.get(path).status_code == 403, path
    assert client.post(f"/tickets/{own.number}/accept").status_code == 403
    assert client.post("/logout").status_code == 302  # signing out still works


def test_the_form_post_needs_its_csrf_token(app: Flask, client, special, clock):
    login(client, special)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/supervise/new", data=GOOD)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 0


def test_the_page_is_no_wider_than_a_phone(client, special, clock):
    """No fixed width anywhere: the layout follows the 375-px screen (the browser test looks)."""
    html = page(login(client, special).get("/supervise/new"))
    widths = re.findall(r"width:\s*(\d+)px", html)
    assert all(int(w) <= 375 for w in widths), widths
