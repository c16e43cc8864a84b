"""The annual target assessment in headless Chromium: an inspector reads last year's draft with
its chart and a unit's breakdown, finalises it (the last unit is called to an interview), reads
it in English; an admin sets next year's weights."""

from __future__ import annotations

import shutil

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.committed]

# Units no other browser test works with, so the interview case opened here disturbs none.
RATES = {"C-JTJ": 0.95, "C-GAJ": 0.88, "C-WJW": 0.8, "C-JYJ": 0.55}
SMALL = "D-DC"  # 3 tickets: listed apart


def _login(browser, base: str, username: str):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"{username}123")
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    return page


def _last_year_figures(live_app) -> int:
    """Day figures for last year (a year that is over, so it can be finalised): four ranked
    units a month apart, and one with three tickets; returns the year."""
    from datetime import date

    from sqlalchemy import select

    from hotline.core.clock import to_local, utcnow
    from hotline.core.extensions import db
    from hotline.metrics.models import UnitDayFigures
    from hotline.units.models import Unit

    with live_app.app_context():
        year = to_local(utcnow()).year - 1
        units = {u.code: u for u in db.session.scalars(select(Unit))}
        plan = [(code, rate, 12, (2, 4, 6, 8, 10)) for code, rate in RATES.items()]
        for code, rate, tickets, months in [*plan, (SMALL, 1.0, 3, (5,))]:
            for month in months:
                # Each unit drifts a little over the year, so the chart has lines to follow.
                drift = min(1.0, max(0.0, rate + (month - 6) * 0.02))
                good = round(drift * tickets)
                db.session.add(
                    UnitDayFigures(
                        unit_id=units[code].id,
                        day=date(year, month, 10),
                        dispatched=tickets,
                        accepted_in_time=good,
                        due=tickets,
                        replied_on_time=good,
                        replied=tickets,
                        callbacks=tickets,
                        callbacks_resolved=good,
                        rated=tickets,
                        rating_5=good,
                        rating_2=tickets - good,
                    )
                )
        db.session.commit()
        return year


def _keep(path, name: str) -> None:
    shutil.copy(path, f"/tmp/i-c-assess-{name}.png")


def test_an_inspector_reads_finalises_and_exports_the_year(
    browser, live_server, live_app, shoot
) -> None:
    year = _last_year_figures(live_app)

    inspector = _login(browser, live_server, "inspector")
    inspector.click("nav.mainnav >> text=年度考核")
    assert inspector.url.endswith(f"/dashboard/assessment/{year + 1}")
    inspector.goto(f"{live_server}/dashboard/assessment/{year}")
    table = inspector.locator("[data-test=assessment]")
    codes = table.locator("tr[data-unit]").evaluate_all("rows => rows.map(r => r.dataset.unit)")
    assert codes == ["C-JTJ", "C-GAJ", "C-WJW", "C-JYJ"]
    assert inspector.locator("[data-test=status]").inner_text() == "草稿"
    apart = inspector.locator("[data-test=assessment-apart]")
    assert apart.locator(f"tr[data-unit={SMALL}]").count() == 1
    # The chart is drawn, one line per unit with figures.
    lines = inspector.evaluate(
        "Chart.getChart(document.getElementById('yearChart')).data.datasets.length"
    )
    assert lines == 5  # four ranked, and the small unit's (hidden until clicked)
    last = table.locator("tr[data-unit=C-JYJ]")
    assert "末位" in last.inner_text()
    assert last.locator("[data-test=interview]").inner_text() == "定稿后约谈"
    # The breakdown explains every point of the first unit.
    first = table.locator("tr[data-unit=C-JTJ]")
    first.locator("[data-test=breakdown]").click()
    formula = table.locator("tr[data-for=C-JTJ] [data-test=formula]")
    assert formula.is_visible()
    assert formula.inner_text().startswith("总分 = ")
    assert formula.inner_text().endswith(first.locator("[data-test=total]").inner_text())
    _keep(shoot(inspector, "assessment-01-draft-breakdown"), "01-draft-breakdown")

    # Finalising freezes the year and calls the last unit's head to an interview.
    inspector.fill("[data-test=finalise-form] textarea[name=reason]", "经督查室会议审定")
    inspector.click("[data-test=finalise]")
    inspector.wait_for_load_state()
    assert "已定稿。" in inspector.inner_text(".flashes")
    assert inspector.locator("[data-test=status]").inner_text() == "已定稿 第1版"
    badge = inspector.locator("tr[data-unit=C-JYJ] [data-test=interview]").inner_text()
    assert badge.startswith("约谈案件 #")
    assert "经督查室会议审定" in inspector.locator("[data-test=status-text]").inner_text()
    _keep(shoot(inspector, "assessment-02-final"), "02-final")

    with inspector.expect_download() as download:
        inspector.click("[data-test=export-xlsx]")
    assert download.value.suggested_filename.startswith(f"assessment-{year}-v1-")

    inspector.goto(f"{live_server}/dashboard/assessment/{year}?lang=en")
    assert f"{year} annual target assessment" in inspector.inner_text("h1")
    assert inspector.locator("[data-test=status]").inner_text() == "Final, version 1"
    _keep(shoot(inspector, "assessment-03-final-en"), "03-final-en")


def test_an_admin_sets_next_years_weights(browser, live_server, live_app, shoot) -> None:
    from config import DEFAULT_ASSESSMENT_WEIGHTS

    admin = _login(browser, live_server, "admin")
    admin.click("nav.mainnav >> text=考核权重")
    form = admin.locator("[data-test=weights-form]")
    # A field per registered component, the campaign items included, filled with the defaults.
    names = form.locator("input[type=number]").evaluate_all("els => els.map(e => e.name)")
    assert names == [f"weight.{key}" for key in DEFAULT_ASSESSMENT_WEIGHTS]
    for key, weight in DEFAULT_ASSESSMENT_WEIGHTS.items():
        assert form.locator(f"input[name='weight.{key}']").input_value() == f"{weight:g}"
    raised = DEFAULT_ASSESSMENT_WEIGHTS["hotline"] + 10
    form.locator("input[name='weight.hotline']").fill(f"{raised:g}")
    form.locator("[data-test=save-weights]").click()
    admin.wait_for_load_state()
    assert "weights must sum to 100" in admin.inner_text(".flashes")

    # Ten more on the hotline, ten fewer on the interviews: 100 again.
    lowered = DEFAULT_ASSESSMENT_WEIGHTS["interviews"] - 10
    form.locator("input[name='weight.hotline']").fill(f"{raised:g}")
    form.locator("input[name='weight.interviews']").fill(f"{lowered:g}")
    form.locator("[data-test=save-weights]").click()
    admin.wait_for_load_state()
    assert "已保存。" in admin.inner_text(".flashes")
    assert "管理员为本年度设定的权重" in admin.inner_text("[data-test=weights-source]")
    assert form.locator("input[name='weight.interviews']").input_value() == f"{lowered:g}"
    _keep(shoot(admin, "assessment-04-weights"), "04-weights")
