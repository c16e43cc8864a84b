"""Triage in headless Chromium: an SMS the classifier was unsure of waits with its three
suggestions; the operator dispatches it with one click on the first."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bench.corpus import generate
from hotline.catalogue.models import Category
from hotline.classify import store, textmodel
from hotline.core.actor import Actor
from hotline.core.extensions import db
from hotline.tickets import service as tickets
from hotline.tickets import transitions
from hotline.tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.committed]

TEXT = "我家楼下工地晚上一直施工，吵得整夜睡不着，孩子第二天还要上学。"


def _unsure_sms(live_app) -> str:
    """A model trained on the demo categories, and an SMS below a strict threshold → triage."""
    with live_app.app_context():
        store.store(textmodel.train(generate(25), holdout=0), activate=True)
        store.forget()
        live_app.config["CLASSIFY_MIN_CONFIDENCE"] = 0.99
        try:
            ticket = tickets.create(
                actor=Actor.complainant("13912345678"),
                channel="sms",
                phone="13912345678",
                description=TEXT,
                kind="complaint",
            )
            transitions.route(ticket)
        finally:
            live_app.config["CLASSIFY_MIN_CONFIDENCE"] = 0.6
        assert ticket.status == "triage"
        db.session.commit()
        return ticket.number


def test_an_operator_dispatches_an_unsure_sms_from_the_first_suggestion(
    browser, live_server, live_app, shoot
) -> None:
    number = _unsure_sms(live_app)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1360, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", "operator")
    page.fill("input[name=password]", "operator123")
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/console$"))

    # oldest first, and other browser tests leave tickets in triage: one long page
    page.goto(f"{live_server}/console/triage?per_page=100")
    row = page.locator("tr", has_text=number)
    guesses = row.locator("[data-test=guess]")
    assert guesses.count() >= 1
    first = guesses.first.inner_text()
    assert "噪音扰民" in first  # the best guess, first
    assert re.search(r"\d+%", first)
    shoot(page, "classify-01-triage-suggestions")

    guesses.first.click()
    page.wait_for_url(re.compile(r"/console/triage"))
    assert "已派单" in page.inner_text("body")
    assert number not in page.inner_text("table.list")
    shoot(page, "classify-02-dispatched-from-suggestion")
    with live_app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.number == number))
        noise = db.session.scalar(select(Category).where(Category.code == "noise"))
        assert ticket.status == "dispatched"
        assert ticket.unit_id == noise.default_unit_id
    context.close()
