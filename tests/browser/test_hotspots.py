"""Hot spots in headless Chromium: an inspector opens 热点分析, sees this week's spike of one
district × category flagged in red and charted, with the street it comes from, drills down to
its tickets and downloads the XLSX."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from hotline.catalogue import service as catalogue
from hotline.core.actor import Actor
from hotline.core.clock import to_local, utcnow
from hotline.core.extensions import db
from hotline.metrics import hotspots
from hotline.tickets import service as tickets

pytestmark = [pytest.mark.browser, pytest.mark.committed]
OPERATOR = Actor(role="operator", label="话务员")


def _history(live_app) -> tuple[str, str]:
    """A calm background over the last 8 weeks and a spike this week at one building site."""
    with live_app.app_context():
        noise, road, *_rest = catalogue.active_categories()
        now = utcnow()
        monday = hotspots.week_start(to_local(now).date())
        # Filed on Mondays 10:00 local of earlier weeks, and in the last hours of this week.
        base = now - timedelta(days=to_local(now).weekday())

        def file(n: int, at, district: str, category, address: str | None = None) -> None:
            for i in range(n):
                tickets.create(
                    actor=OPERATOR,
                    channel="phone",
                    description=f"{address or district}夜间施工噪音扰民，第{i + 1}次反映",
                    phone=f"1391234{i:04d}",
                    category=category.code,
                    district=district,
                    address=address,
                    now=at,
                )

        for k in range(1, 9):
            week = base - timedelta(weeks=k)
            file(1, week, "东城区", noise, "幸福路8号")
            file(2, week, "西城区", road, "人民大街100号")
            file(k % 3, week, "南城区", noise)
        file(6, now - timedelta(minutes=30), "东城区", noise, "幸福路12号工地")
        file(2, now - timedelta(minutes=20), "东城区", noise, "幸福路14号")
        file(2, now - timedelta(minutes=10), "西城区", road, "人民大街100号")
        db.session.commit()
        return noise.name, hotspots.week_label(monday)


def test_an_inspector_sees_the_spike_drills_down_and_exports(
    browser, live_server, live_app, shoot
) -> None:
    category, week = _history(live_app)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1360, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", "inspector")
    page.fill("input[name=password]", "inspector123")
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/dashboard"))

    page.click("[data-test=nav-hotspots]")
    page.wait_for_url(re.compile(r"/dashboard/hotspots$"))
    spikes = page.locator("[data-test=spike]")
    assert spikes.count() == 1
    first = page.locator("[data-test=series]").first
    assert first.get_attribute("data-district") == "东城区"
    assert spikes.first.inner_text() == "8"
    places = page.inner_text("[data-test=places]")
    assert "幸福路 8" in places
    assert "幸福路12号工地 6" in places
    page.wait_for_function("() => window.Chart && Chart.getChart('hotChart')")
    assert (
        page.evaluate("Chart.getChart('hotChart').data.datasets[0].label") == f"东城区 · {category}"
    )
    shoot(page, "hotspots-01-dashboard")

    spikes.first.locator("a").click()
    page.wait_for_url(re.compile(r"/dashboard/hotspots/cell\?"))
    assert week in page.inner_text("[data-test=cell]")
    assert page.locator("[data-test=cell-tickets] tr").count() == 1 + 8
    assert page.inner_text("[data-test=streets] tr >> nth=0").split() == ["幸福路", "8"]
    shoot(page, "hotspots-02-cell")

    page.click("text=返回热点分析")
    page.wait_for_url(re.compile(r"/dashboard/hotspots"))
    href = page.get_attribute("[data-test=export-xlsx]", "href")
    response = page.request.get(f"{live_server}{href}")
    assert response.status == 200
    sheet = load_workbook(io.BytesIO(response.body())).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0][-3] == week
    assert ["东城区", category] == [rows[1][0], rows[1][2]]
    assert rows[1][-3] == 8
    context.close()
