"""Every page: markup in complaint fields comes out escaped, the security headers (with a
Content-Security-Policy of 'self') are on every response, and every form carries a CSRF token
(and a form post without one is refused)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask

from hotline.core.extensions import db
from hotline.core.web.csp import SOFTPHONE_CONNECT, SOFTPHONE_MEDIA
from tests.factories import UnitFactory, ticket_in
from tests.security.world import NOW, ROLES, World, build

PAYLOAD = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
SKIP = ("/static/", "/api/", "/twilio/", "/open311/")


def page_urls(app: Flask, values: dict[str, str]) -> Iterator[str]:
    """A concrete URL for every GET page route (API, webhooks and files excluded)."""
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.rule.startswith(SKIP):
            continue
        # Downloads (exports, attachments, printed documents), not pages.
        if "export" in rule.rule or "/files/" in rule.rule or rule.rule.endswith(".pdf"):
            continue

        def fill(match: re.Match) -> str:
            spec = match.group(1)
            name = spec.split(":")[-1]
            if "any(" in spec:
                return re.search(r"any\(([^,)]+)", spec).group(1)
            return values.get(name, "x")

        yield re.sub(r"<([^>]+)>", fill, rule.rule)


@pytest.fixture
def world(app: Flask, session, clock) -> World:
    clock.set("2026-10-12T10:00:00+08:00")
    w = build(app)
    unit = UnitFactory(name=PAYLOAD)
    marked = ticket_in(
        "accepted",
        unit=unit,
        now=NOW,
        description=PAYLOAD,
        name=PAYLOAD,
        address=PAYLOAD,
        disclose_identity=True,
    )
    w.number = marked.number  # the ticket page shows the marked-up ticket
    session.commit()
    db.session.remove()
    return w


def _responses(app: Flask, world: World) -> Iterator[tuple[str, str, object]]:
    values = world.values()
    for role in (None, *ROLES):
        for url in page_urls(app, values):
            response, _ = world.call("GET", url, role, "own", False, None)
            yield role or "anonymous", url, response


def test_markup_in_complaints_is_escaped_on_every_page(app: Flask, world: World) -> None:
    shown_escaped = []
    for who, url, response in _responses(app, world):
        html = response.get_data(as_text=True)
        assert PAYLOAD not in html, f"{url} as {who} renders raw markup"
        if ESCAPED in html:
            shown_escaped.append(url)
    assert any(u.startswith("/tickets/") for u in shown_escaped), "the ticket page shows it"


def test_every_page_sends_the_security_headers_and_a_self_only_policy(
    app: Flask, world: World
) -> None:
    for who, url, response in _responses(app, world):
        for name, value in HEADERS.items():
            assert response.headers.get(name) == value, f"{name} missing on {url} as {who}"
        policy = response.headers.get("Content-Security-Policy", "")
        assert "default-src 'self'" in policy, f"CSP missing on {url} as {who}"
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";")[0]
        if 'id="softphone"' in response.get_data(as_text=True):
            # The softphone's console pages alone may reach Twilio (hotline/core/web/csp.py).
            assert url.startswith("/console"), url
            assert who in ("operator", "supervisor"), (url, who)
            assert f"connect-src 'self' {SOFTPHONE_CONNECT}" in policy, url
            policy = policy.replace(SOFTPHONE_CONNECT, "").replace(SOFTPHONE_MEDIA, "")
        assert "*" not in policy, f"a wildcard source on {url} as {who}"
        assert "twilio" not in policy, f"{url} as {who} may reach Twilio"


@pytest.fixture
def guarded(app: Flask, world: World) -> Flask:
    """The app with CSRF protection on, as in production (the test app turns it off)."""
    from tests.faults.helpers import private_app

    return private_app(app, WTF_CSRF_ENABLED=True)


def test_every_form_carries_a_csrf_token(guarded: Flask, world: World) -> None:
    forms = 0
    guarded_world = World(**{**world.__dict__, "app": guarded})
    for who, url, response in _responses(guarded, guarded_world):
        html = response.get_data(as_text=True)
        for form in re.findall(r"<form\b[^>]*>.*?</form>", html, flags=re.S | re.I):
            if not re.search(r"method=[\"']?post", form, flags=re.I):
                continue
            forms += 1
            assert 'name="csrf_token"' in form, f"a form on {url} as {who} has no CSRF token"
    assert forms > 5


def test_form_posts_without_a_csrf_token_are_refused(guarded: Flask, world: World) -> None:
    """With CSRF on (as in production), every page POST without a token answers 400."""
    checked = 0
    for rule in guarded.url_map.iter_rules():
        if "POST" not in rule.methods or rule.rule.startswith(SKIP):
            continue
        url = re.sub(
            r"<(?:[^:>]+:)?(\w+)>", lambda m: world.values().get(m.group(1), "1"), rule.rule
        )
        for role in (None, "admin", "operator", "unit_head"):
            guarded_world = World(**{**world.__dict__, "app": guarded})
            response, _ = guarded_world.call("POST", url, role, "own", False, {"x": "1"})
            checked += 1
            assert response.status_code == 400, f"POST {url} as {role} without CSRF token"
    assert checked > 10
