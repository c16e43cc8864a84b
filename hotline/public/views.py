"""The public site, no login: /public (last full month's ranking) and /public/units/<code>.

Each page is rendered once per language and kept in Redis (hotline/core/pagecache.py) and, with
Cache-Control: public, in browsers and proxies for PUBLIC_CACHE_SECONDS. The language comes from
the URL only (`?lang=en`; Chinese otherwise), never from a cookie, so one URL is one page for
everybody. Anything that names no active unit answers a friendly 404, never an error page.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from werkzeug.routing import PathConverter

from hotline.core import pagecache
from hotline.core.clock import format_local, to_local, utcnow
from hotline.core.pagecache import PUBLIC_SITE
from hotline.core.settings import satisfied_min
from hotline.escalations import publication
from hotline.public import queries, sections

bp = Blueprint("public", __name__, url_prefix="/public")


class AnyText(PathConverter):
    """Whatever follows, slashes and line breaks included (werkzeug's `path` stops at a line
    break, which would leave such a URL to the staff site's 404 page)."""

    regex = r"[^/][\s\S]*?"


# Before the routes below are added (deferred functions run in the order they were recorded).
bp.record_once(lambda state: state.app.url_map.converters.setdefault("anytext", AnyText))

RATE_LABELS = {
    "response": _l("响应率"),
    "on_time": _l("按时办结率"),
    "resolution": _l("解决率"),
    "satisfaction": _l("满意率"),
}
# Why the head was interviewed (hotline/escalations/triggers.py), in the public's words.
TRIGGER_LABELS = {
    "ticket_overdue": _l("工单超期办理"),
    "supervision_count": _l("30日内多次被督办"),
    "ranking_last": _l("考核排名末位"),
    "on_time_rate": _l("按时办结率低于标准"),
    "commitment_overdue": _l("整改承诺逾期未兑现"),
}
COMMITMENT_LABELS = {
    "in_progress": _l("整改中"),
    "overdue": _l("逾期未整改"),
    "rectified_on_time": _l("已按期整改"),
    "rectified_late": _l("逾期后整改"),
}
RATING_LABELS = {
    5: _l("非常满意"),
    4: _l("满意"),
    3: _l("基本满意"),
    2: _l("不满意"),
    1: _l("非常不满意"),
}
MILESTONE_LABELS = {
    "done_on_time": _l("按期完成"),
    "done_late": _l("逾期完成"),
    "overdue": _l("已逾期"),
    "pending": _l("推进中"),
}


def _lang() -> str:
    return "en" if request.args.get("lang") == "en" else "zh_CN"


def _here(lang: str) -> Callable[..., str]:
    """url_for that keeps the page's language in the links between public pages."""
    return lambda endpoint, **values: url_for(
        endpoint, **values, lang="en" if lang == "en" else None
    )


def _render(template: str, lang: str, **context: object) -> str:
    switch = _here("zh_CN" if lang == "en" else "en")
    if request.endpoint in ("public.ranking", "public.unit"):
        other = switch(request.endpoint, **(request.view_args or {}))
    else:  # a page that is not there: the other language's ranking
        other = switch("public.ranking")
    with force_locale(lang):  # the URL's language, not the session's (see the docstring)
        return render_template(
            template,
            lang=lang,
            here=_here(lang),
            other_lang=other,
            cache_minutes=pagecache.ttl_seconds() // 60,
            local=format_local,
            rate_labels=RATE_LABELS,
            rates=queries.RATES,
            **context,
        )


def _chart(months: list[queries.MonthFigures]) -> dict[str, object]:
    """The trend chart's data (read by static/js/public-trend.js): months and one series of
    rates in % per rate, labelled in the page's language."""
    return {
        "months": [m.month for m in months],
        "series": [
            {"key": k, "label": str(RATE_LABELS[k]), "values": [m.figures.rates[k] for m in months]}
            for k in queries.RATES
        ],
    }


def _answer(page: pagecache.Page, lang: str) -> Response:
    response = Response(page.body, mimetype="text/html")
    ttl = pagecache.ttl_seconds()
    if ttl > 0:  # the same lifetime in every cache on the way as in ours
        response.headers["Cache-Control"] = f"public, max-age={ttl}"
    response.headers["X-Cache"] = "hit" if page.hit else "miss"
    response.headers["Content-Language"] = "en" if lang == "en" else "zh-CN"
    return response


def _not_found(lang: str) -> tuple[str, int]:
    return _render("public/not_found.html", lang), 404


def _cached(key: str, lang: str, render: Callable[[], str | None]) -> Response | tuple[str, int]:
    page = pagecache.page(PUBLIC_SITE, f"{key}:{lang}", render)
    return _not_found(lang) if page is None else _answer(page, lang)


@bp.route("")
def ranking() -> Response | tuple[str, int]:
    """Last full month's ranking of the units, with the minimum volume and the data's time."""
    lang = _lang()
    return _cached(
        "ranking",
        lang,
        lambda: _render(
            "public/ranking.html",
            lang,
            r=queries.ranking(),
            satisfied_label=RATING_LABELS.get(satisfied_min(), ""),
        ),
    )


@bp.route("/units/<anytext:code>")
def unit(code: str) -> Response | tuple[str, int]:
    """One unit: last month, twelve months' trend, campaign sections, published commitments."""
    lang = _lang()
    if len(code) > queries.MAX_CODE:  # names no unit: no cache key, no query
        return _not_found(lang)

    def render() -> str | None:
        found = queries.find_unit(code)
        if found is None:  # not stored: unknown codes must not fill the cache
            return None
        months = queries.trend(found)
        now = utcnow()
        return _render(
            "public/unit.html",
            lang,
            unit=found,
            months=months,
            last=months[-1],
            sections=sections.read_all(found.id),
            commitments=publication.published_for_unit(unit_id=found.id, now=now),
            today=to_local(now).date(),
            as_of=queries.as_of(),
            min_tickets=queries.min_tickets(),
            trigger_labels=TRIGGER_LABELS,
            commitment_labels=COMMITMENT_LABELS,
            milestone_labels=MILESTONE_LABELS,
            chart=_chart,
            milestone_state=sections.milestone_state,
            local_day=sections.local_day,
        )

    return _cached(f"unit:{code}", lang, render)


@bp.route("/<anytext:rest>")
def elsewhere(rest: str) -> tuple[str, int]:
    """Any other path under /public: the friendly 404 (traversal, typos, old links)."""
    return _not_found(_lang())
