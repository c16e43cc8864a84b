"""In Chromium: a unit head finds the 打印 links on the ticket page and the escalation list, and
they answer the PDFs (read back here) with the session the browser holds."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from pypdf import PdfReader

from hotline.core.extensions import db
from hotline.tickets import service as tickets
from hotline.units.models import Unit
from tests.browser.test_story import _login
from tests.factories import ticket_in
from tests.staff.documents.helpers import supervision_of

pytestmark = [pytest.mark.browser, pytest.mark.committed]

UNIT = "C-SCJG"  # the demo unit of the `unithead` login


@pytest.fixture(scope="module")
def supervised(live_app) -> tuple[str, int]:
    """A demo-unit ticket dispatched 30 Sep 10:00, taken to 督办 by the sweep on 16 Oct."""
    with live_app.app_context():
        unit = db.session.query(Unit).filter_by(code=UNIT).one()
        ticket = ticket_in(
            "accepted",
            unit=unit,
            now=datetime.fromisoformat("2026-09-30T10:00:00+08:00"),
            phone="13812345678",
            description="幸福路夜市摊贩占道经营，噪音扰民",
        )
        db.session.commit()
        number = ticket.number
    result = live_app.test_cli_runner().invoke(
        args=["sla", "sweep", "--now", "2026-10-16T00:00:00+08:00"]
    )
    assert result.exit_code == 0, result.output
    with live_app.app_context():
        return number, supervision_of(tickets.get_by_number(number)).id


def _pdf_text(page, base: str, href: str) -> str:
    """The PDF a link answers, fetched with the browser's session, as text without spaces."""
    response = page.request.get(base + href)
    assert response.status == 200, href
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))
    return "".join("".join(p.extract_text() for p in reader.pages).split())


def test_a_unit_head_prints_the_ticket_sheet_and_the_supervision_letter(
    browser, live_server, shoot, supervised
) -> None:
    number, escalation_id = supervised
    page = _login(browser, live_server, "unithead", "zh")
    page.goto(f"{live_server}/tickets/{number}")
    link = page.locator("[data-test=print]")
    assert link.inner_text() == "打印交办单"
    shoot(page, "zh-documents-01-ticket-page-print-links")
    sheet = _pdf_text(page, live_server, link.get_attribute("href"))
    assert number in sheet
    assert "交办单" in sheet
    assert "138****5678" in sheet

    page.goto(f"{live_server}/workbench/escalations")
    letter = page.locator(f"[data-test=letter][href='/escalations/{escalation_id}/letter.pdf']")
    assert letter.inner_text() == "打印督办函"
    shoot(page, "zh-documents-02-escalations-letter-link")
    text = _pdf_text(page, live_server, letter.get_attribute("href"))
    assert "督办函" in text
    assert number in text
    assert "于2026-10-2100:00前在系统中书面答复" in text
    page.context.close()
