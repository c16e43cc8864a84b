"""The public site in headless Chromium at phone width (375 px) and desktop width: the ranking,
a unit's page with its trend chart, an inspector approving a head's commitment for publication
and the public seeing it; no CSP violation, no sideways scrolling on the phone."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.committed]

UNIT = "C-SCJG"  # the demo unit of the `unithead` login
COMMITMENT = "三十日内完成食品经营许可“一窗通办”改造，公开办理时限，取消线下“加急”渠道。"
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def _shoot(page, shoot, name: str) -> None:
    shoot(page, f"public-{name}")
    page.screenshot(path=str(Path("/tmp") / f"i-c-public-{name}.png"), full_page=True)


def _figures_and_a_commitment(live_app) -> int:
    """A year of day figures for every demo unit (committed) and the demo unit head's written
    commitment, not yet published; returns the case id."""
    from sqlalchemy import delete, select

    from hotline.core.clock import to_local, utcnow
    from hotline.core.extensions import db
    from hotline.metrics.models import RollupCursor, UnitDayFigures
    from hotline.units.models import Unit
    from tests.support.interviews import interview_case

    rng = random.Random(5)
    with live_app.app_context():
        now = utcnow()
        today = to_local(now).date()
        units = list(db.session.scalars(select(Unit).where(Unit.level == "city")))
        # The demo's own roll-up (the seed replays the scheduler) made some of these days.
        db.session.execute(delete(UnitDayFigures))
        for unit in units:
            volume, quality = rng.choice((0, 1, 4)), rng.uniform(0.55, 0.98)
            for back in range(1, 370, 2):
                n = rng.randint(0, volume) if volume else rng.randint(0, 1) * rng.randint(0, 1)
                if n:
                    # Each rate a little apart from the others, as real ones are.
                    share = [min(1.0, quality * rng.uniform(0.8, 1.15)) for _ in range(4)]
                    satisfied = round(n * share[3])
                    db.session.add(
                        UnitDayFigures(
                            unit_id=unit.id,
                            day=today - timedelta(days=back),
                            dispatched=n,
                            accepted_in_time=round(n * share[0]),
                            due=n,
                            replied_on_time=round(n * share[1]),
                            replied=n,
                            callbacks=n,
                            callbacks_resolved=round(n * share[2]),
                            rated=n,
                            rating_5=satisfied,
                            rating_2=n - satisfied,
                        )
                    )
        db.session.merge(RollupCursor(id=1, last_event_id=0, gaps={}, updated_at=now))
        unit = db.session.scalar(select(Unit).where(Unit.code == UNIT))
        case = interview_case(
            unit, stage="committed", now=now, commitment=COMMITMENT, due_in=timedelta(days=30)
        )
        db.session.commit()
        return case.id


def _errors(page) -> list[str]:
    seen: list[str] = []
    page.on("console", lambda m: seen.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen.append(str(e)))
    return seen


def _fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_public_site_on_a_phone_and_a_desktop(browser, live_server, live_app, shoot):
    case_id = _figures_and_a_commitment(live_app)

    # An inspector approves the head's commitment for publication on the interview board.
    context = browser.new_context(locale="zh-CN", viewport=DESKTOP)
    inspector = context.new_page()
    inspector.goto(f"{live_server}/login")
    assert inspector.locator("a[href='/public']").count() == 1  # the login page links the site
    inspector.fill("input[name=username]", "inspector")
    inspector.fill("input[name=password]", "inspector123")
    inspector.click("form button[type=submit]")
    inspector.wait_for_load_state()
    inspector.goto(f"{live_server}/dashboard/interviews")
    form = inspector.locator(f"form[action$='/interviews/{case_id}/publish']")
    form.locator("button").click()
    inspector.wait_for_load_state()
    row = inspector.locator("tr", has=inspector.locator("[data-test=published]"))
    assert row.count() == 1
    _shoot(inspector, shoot, "dashboard-published")
    context.close()

    # The public, on a phone: no login, Chinese first, tables as cards, no sideways scrolling.
    phone = browser.new_context(
        locale="zh-CN", viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = phone.new_page()
    errors = _errors(page)
    page.goto(f"{live_server}/public")
    assert "承办单位办理情况排名" in page.inner_text("h1")
    assert "数据截至" in page.inner_text("[data-test=as-of]")
    assert page.locator("[data-test=ranking] tbody tr").count() >= 3
    assert page.locator("[data-test=below-minimum]").count() == 1
    _fits(page, PHONE["width"])
    _shoot(page, shoot, "phone-ranking")
    page.click(f"a[href='/public/units/{UNIT}']")
    page.wait_for_load_state()
    page.wait_for_function("window.Chart && Chart.getChart('trendChart')")
    assert COMMITMENT in page.inner_text("[data-test=interview-commitments]")
    assert "整改中" in page.inner_text("[data-test=interview-commitments]")
    assert page.locator("[data-test=trend] tbody tr").count() == 12
    _fits(page, PHONE["width"])
    _shoot(page, shoot, "phone-unit")
    assert errors == []  # no CSP refusal, no script error
    answer = page.goto(f"{live_server}/public/units/NO-SUCH-UNIT")
    assert answer.status == 404
    assert "没有找到这个页面" in page.inner_text("body")
    _fits(page, PHONE["width"])
    _shoot(page, shoot, "phone-404")
    phone.close()

    # The same on a desktop, in English too.
    desktop = browser.new_context(locale="zh-CN", viewport=DESKTOP)
    page = desktop.new_page()
    errors = _errors(page)
    page.goto(f"{live_server}/public")
    _shoot(page, shoot, "desktop-ranking")
    page.goto(f"{live_server}/public/units/{UNIT}")
    page.wait_for_function("window.Chart && Chart.getChart('trendChart')")
    box = page.locator("#trendChart").bounding_box()
    assert box["width"] > 600
    assert box["height"] > 200
    _shoot(page, shoot, "desktop-unit")
    page.click("header.site a.lang")
    page.wait_for_load_state()
    assert page.url.endswith(f"/public/units/{UNIT}?lang=en")
    assert "Rectification commitments after interviews" in page.inner_text("body")
    page.wait_for_function("window.Chart && Chart.getChart('trendChart')")
    _shoot(page, shoot, "desktop-unit-en")
    assert errors == []
    desktop.close()
