"""The public site's pages: last full month's ranking, a unit's record, the friendly 404, the
language from the URL, and pages served from the cache with matching Cache-Control."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

import pytest

from hotline.core.extensions import db
from hotline.metrics import service as metrics
from tests.factories import UnitFactory, UserFactory
from tests.public.conftest import CACHE_SECONDS, good, poor, rolled_up_at

NOW = "2026-12-02T10:00:00+08:00"  # last full month: 2026-11


@pytest.fixture
def units(session, clock, figures):
    """Four units in November: two ranked (good, poor), one under the minimum, one idle."""
    clock.set(NOW)
    best = UnitFactory(code="PUB-A", name="市市场监督管理局", name_en="Market Regulation")
    worst = UnitFactory(code="PUB-B", name="市住房和城乡建设局")
    small = UnitFactory(code="PUB-C", name="市档案馆")
    idle = UnitFactory(code="PUB-D", name="市地震局")
    UnitFactory(code="PUB-OFF", name="已撤销的单位", active=False)
    figures(best, date(2026, 11, 3), **good(12))
    figures(best, date(2026, 11, 20), dispatched=8, accepted_in_time=8)
    figures(worst, date(2026, 11, 10), **poor(14))
    figures(small, date(2026, 11, 5), **good(3))
    figures(best, date(2026, 10, 5), **poor(12))  # October: the trend's month before
    figures(worst, date(2026, 12, 1), **good(30))  # this month: not in the ranking yet
    rolled_up_at(datetime(2026, 12, 2, 1, 55, tzinfo=UTC))
    db.session.commit()
    return {"best": best, "worst": worst, "small": small, "idle": idle}


def _row(html: str, code: str) -> str:
    return html.split(f'data-unit="{code}"')[1].split("</tr>")[0]


def test_ranking_shows_last_full_month_with_the_rates_the_metrics_compute(client, units):
    response = client.get("/public")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "2026-11" in html
    assert "2026-11-01" in html
    assert "2026-11-30" in html
    assert "数据截至 2026-12-02 09:55" in html
    ranked = html.split('data-test="ranking"')[1].split("</table>")[0]
    assert ranked.index("PUB-A") < ranked.index("PUB-B")
    assert "PUB-C" not in ranked
    assert "PUB-D" not in ranked
    assert "PUB-OFF" not in html
    # The very figures of the metrics service (what the dashboard shows), as percentages.
    rows = {
        r["unit"]["code"]: r
        for r in metrics.figures(start=date(2026, 11, 1), end=date(2026, 11, 30))
    }
    best = _row(html, "PUB-A")
    for name in ("response", "on_time", "resolution", "satisfaction"):
        assert f"{100 * rows['PUB-A']['rates'][name]:.1f}%" in best, name
    assert f"{rows['PUB-A']['score']:.1f}" in best
    assert ">20<" in best  # tickets dispatched in November (12 + 8), not December's 30
    assert "50.0%" in _row(html, "PUB-B")
    for label in ("响应率", "按时办结率", "解决率", "满意率", "综合得分"):
        assert label in html


def test_units_under_the_minimum_volume_are_listed_apart_not_ranked(client, units):
    html = client.get("/public").get_data(as_text=True)
    apart = html.split('data-test="apart"')[1].split("</table>")[0]
    assert "市档案馆" in apart
    assert "市地震局" in apart
    assert "样本不足，不参与排名" in html
    assert "本期派单少于 10 件的单位只列出指标" in html
    assert 'class="place' not in apart  # no rank


def test_english_comes_from_the_url_and_chinese_stays_chinese(client, units):
    english = client.get("/public?lang=en")
    assert english.status_code == 200
    assert english.headers["Content-Language"] == "en"
    text = english.get_data(as_text=True)
    assert '<html lang="en">' in text
    assert "Market Regulation" in text  # the unit's English name
    assert "How the responsible units perform" in text
    assert "Response rate" in text
    assert "承办单位办理情况排名" not in text
    assert "/public/units/PUB-A?lang=en" in text  # links keep the language
    chinese = client.get("/public").get_data(as_text=True)
    assert '<html lang="zh-CN">' in chinese
    assert "承办单位办理情况排名" in chinese
    # An odd value is not a language (and not a cache key of its own).
    assert client.get("/public?lang=xx").headers["X-Cache"] == "hit"


def test_unit_page_shows_last_month_and_twelve_months_trend(client, units):
    response = client.get("/public/units/PUB-A")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "市市场监督管理局" in html
    assert "第 1 名（共 2 个单位参与排名）" in html
    trend = html.split('data-test="trend"')[1].split("</table>")[0]
    months = re.findall(r"<td class=\"unit\">(\d{4}-\d{2})</td>", trend)
    assert months == [f"2026-{m:02d}" for m in range(11, 0, -1)] + ["2025-12"]
    data = json.loads(html.split('id="trend-data">')[1].split("</script>")[0])
    assert data["months"][0] == "2025-12"
    assert data["months"][-1] == "2026-11"
    assert [s["key"] for s in data["series"]] == [
        "response",
        "on_time",
        "resolution",
        "satisfaction",
    ]
    response_rate = next(s for s in data["series"] if s["key"] == "response")["values"]
    assert response_rate[-2:] == [50.0, 100.0]  # October poor, November good
    assert response_rate[0] is None  # no activity: no rate, not 0
    assert "暂无公开的约谈整改承诺" in html
    small = client.get("/public/units/PUB-C").get_data(as_text=True)
    assert "派单少于 10 件，样本不足，不参与排名" in small


def test_pages_load_the_chart_from_static_files_only(client, units):
    html = client.get("/public/units/PUB-A").get_data(as_text=True)
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts, html
    for attrs in scripts:  # nothing inline can run: a cached page carries no CSP nonce
        assert 'src="/static/' in attrs or 'type="application/json"' in attrs, attrs
    assert "nonce" not in html
    assert "style=" not in html
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        assert client.get(asset).status_code == 200, asset


@pytest.mark.parametrize(
    "path",
    [
        "/public/units/NOPE",
        "/public/units/" + "A" * 5000,
        "/public/units/市场监督管理局",
        "/public/units/../../etc/passwd",
        "/public/units/..%2F..%2Fetc%2Fpasswd",
        "/public/units/%2e%2e",
        "/public/units/PUB-A/extra",
        "/public/units/PUB OFF",
        "/public/units/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/public/units/PUB-OFF",  # inactive
        "/public/units/%F0%9F%92%A9",
        "/public/units/%ff%fe",
        "/public/units/PUB%00-A",
        "/public/units/PUB-A%0d%0aSet-Cookie:%20x=1",
        "/public/nothing-here",
        "/public/units/",
    ],
)
def test_what_names_no_active_unit_is_a_friendly_404(client, units, redis, path):
    response = client.get(path)
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "没有找到这个页面" in html
    assert 'href="/public"' in html
    assert "<script>alert" not in html
    assert response.headers["Cache-Control"] == "no-store"
    assert not list(redis.scan_iter("*pagecache:public:*:unit:*"))  # nothing cached


def test_a_404_in_english_when_asked(client, units):
    response = client.get("/public/units/NOPE?lang=en")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_pages_come_from_the_cache_with_matching_cache_control(client, units, figures):
    first = client.get("/public/units/PUB-B")
    assert first.headers["X-Cache"] == "miss"
    assert first.headers["Cache-Control"] == f"public, max-age={CACHE_SECONDS}"
    figures(units["worst"], date(2026, 11, 11), dispatched=50)  # new figures, same TTL
    db.session.commit()
    again = client.get("/public/units/PUB-B")
    assert again.headers["X-Cache"] == "hit"
    assert again.data == first.data  # served from the cache, not rendered again
    english = client.get("/public/units/PUB-B?lang=en")
    assert english.headers["X-Cache"] == "miss"  # keyed by page and language
    assert client.get("/public").headers["X-Cache"] == "miss"


def test_a_public_page_carries_nobodys_cookie(client, units, session):
    """A shared proxy may keep the page: no Set-Cookie, no Vary: Cookie, signed in or not."""
    inspector = UserFactory(role="inspector")
    db.session.commit()
    from tests.factories import PASSWORD

    assert (
        client.post(
            "/login", data={"username": inspector.username, "password": PASSWORD}
        ).status_code
        == 302
    )
    for path in ("/public", "/public?lang=en", "/public/units/PUB-A", "/public/units/PUB-A"):
        response = client.get(path)
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers, path
        assert "Cookie" not in response.headers.get("Vary", ""), path
        assert inspector.username not in response.get_data(as_text=True)


def test_pages_work_when_redis_is_down(client, units, app, monkeypatch):
    from redis import Redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    from hotline.core import pagecache

    dead = Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
    monkeypatch.setitem(app.extensions, "hotline_redis", dead)
    monkeypatch.setitem(app.extensions, pagecache._SCRIPT_KEY, None)  # one bound to `dead`
    tried = []
    monkeypatch.setattr(
        dead, "evalsha", lambda *a, **k: tried.append(a) or Redis.evalsha(dead, *a, **k)
    )
    clock = iter(range(0, 1000, 4))  # seconds, one step per look at the clock
    monkeypatch.setattr(pagecache, "monotonic", lambda: float(next(clock)))
    try:
        for path in (
            "/public",
            "/public/units/PUB-A",
            "/public/units/PUB-A",
            "/public/units/PUB-A",
        ):
            response = client.get(path)
            assert response.status_code == 200, path
            assert response.headers["X-Cache"] == "miss"
        assert client.get("/public/units/NOPE").status_code == 404
        # Tried on the first page, then left alone for RETRY_SECONDS, then tried again.
        assert len(tried) == 2
    finally:
        app.extensions.pop(pagecache._DOWN_KEY, None)


def test_no_figures_yet_is_said_plainly(client, session, clock):
    clock.set(NOW)
    UnitFactory(code="PUB-NEW", name="新设单位")
    db.session.commit()
    html = client.get("/public").get_data(as_text=True)
    assert "数据尚未汇总" in html
    assert "本期还没有派单达到 10 件的单位，暂不排名" in html
    assert client.get("/public/units/PUB-NEW").status_code == 200


def test_login_page_and_complaint_form_link_to_the_public_site(client):
    for path in ("/login", "/complaints/new"):
        html = client.get(path).get_data(as_text=True)
        assert 'href="/public"' in html, path
    english = client.get("/complaints/new?lang=en").get_data(as_text=True)
    assert 'href="/public?lang=en"' in english
