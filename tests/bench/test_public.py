"""The public-site bench section at tiny size: its data makes believable pages, and the report
states the p99 target per page, with the answers that did not come from the cache."""

from __future__ import annotations

from types import SimpleNamespace

from bench import public, report
from hotline.core.clock import to_local, utcnow
from hotline.seed.demo import load_reference


def test_the_bench_data_fills_the_ranking_and_publishes_a_commitment(app, session, client, clock):
    clock.set("2026-12-02T10:00:00+08:00")
    load_reference(now=utcnow())
    codes = public.seed(SimpleNamespace(app=app), today=to_local(utcnow()).date())
    assert len(codes) > 20
    html = client.get("/public").get_data(as_text=True)
    ranked = html.split('data-test="ranking"')[1].split("</table>")[0]
    assert ranked.count('class="place') >= 5  # most units ranked, some listed apart
    assert 'data-test="apart"' in html
    units = [client.get(f"/public/units/{code}").get_data(as_text=True) for code in codes]
    assert sum("三十日内完成窗口服务流程再造" in page for page in units) == 1


def _results(ranking_p99: float, misses: int = 0, half_p99: float = 9.5) -> dict:
    page = {"paths": 1, "requests": 9000, "rps": 900.0, "p50_ms": 4.1, "p90_ms": 8.0}
    half = {"target_rps": 450.0, "rps": 449.0, "p50_ms": 3.2, "p99_ms": half_p99, "errors": 0}
    return {
        "command": "python -m bench.run --only public",
        "machine": {},
        "sizes": {},
        "sections": {
            "public": {
                "units": 72,
                "connections": 16,
                "seconds": 10,
                "render_ms": {"/public": 41.5, "/public/units/{code}": 37.2},
                "ranking": {
                    **page,
                    "p99_ms": ranking_p99,
                    "max_ms": 60.0,
                    "errors": 0,
                    "not_from_cache": misses,
                    "half": half,
                },
                "unit": {
                    **page,
                    "paths": 72,
                    "p99_ms": 12.5,
                    "max_ms": 20.0,
                    "errors": 0,
                    "not_from_cache": 0,
                    "half": half,
                },
                "target_p99_ms": 50.0,
            }
        },
    }


def test_report_states_the_targets_per_page_and_the_cache_misses() -> None:
    text = report.markdown(_results(ranking_p99=18.0))
    assert "| GET /public p99 < 50 ms from the cache at wrk's peak | p99 18.0 ms" in text
    assert "| GET /public/units/{code} p99 < 50 ms from the cache at wrk's peak | p99 12.5" in text
    assert "| GET /public p99 < 50 ms from the cache at half peak | p99 9.5 ms" in text
    assert text.count("✅ holds") == 4
    assert "## Public site" in text
    assert "/public 41.50 ms" in text
    missed = report.markdown(_results(ranking_p99=18.0, misses=3))
    assert "3 not from the cache" in missed
    assert "❌ misses" in missed
    slow = report.markdown(_results(ranking_p99=75.0, half_p99=51.0))
    assert "1.50× the limit" in slow
    assert "1.02× the limit" in slow
    assert slow.count("❌ misses") == 3
