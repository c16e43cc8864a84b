"""The access matrix: every endpoint (OpenAPI document + page routes) × every role (and no one)
× own unit / other unit, against the rules table in tests/security/rules.py."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask

from hotline.core.extensions import db
from tests.security import rules
from tests.security.world import ROLES, World, body_for, build

SKIP_METHODS = {"HEAD", "OPTIONS"}
VOICE_KEYS = {
    "TWILIO_API_KEY": "SK" + "0" * 32,
    "TWILIO_API_SECRET": "access-matrix-secret-of-32-bytes-at-least",
    "TWILIO_TWIML_APP_SID": "AP" + "0" * 32,
}


def endpoints(app: Flask) -> Iterator[tuple[str, str, str, bool]]:
    """(method, rule path, concrete URL, is_api) for every endpoint the app serves."""
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    for path, ops in spec["paths"].items():
        for method in ops:
            if method.upper() in {"GET", "POST", "PUT", "PATCH", "DELETE"}:
                yield method.upper(), path, path, True
    documented = {re.sub(r"\{(\w+)\}", r"<\1>", p) for p in spec["paths"]}
    for rule in app.url_map.iter_rules():
        plain = re.sub(r"<(?:[^:>]+:)?(\w+)>", r"<\1>", rule.rule)
        if plain in documented or re.sub(r"<[^>]*>", "", plain) in ("/api/v1/",):
            continue
        for method in sorted(rule.methods - SKIP_METHODS):
            yield method, plain, rule.rule, False


def concrete(path: str, values: dict[str, str]) -> str:
    def fill(match: re.Match) -> str:
        inner = match.group(1) or match.group(2)
        name = inner.split(":")[-1]
        if name == "fmt" and match.group(2) and "any(" in inner:
            return values["fmt"]
        return values.get(name, "x")

    return re.sub(r"\{(\w+)\}|<([^>]+)>", fill, path)


def test_every_endpoint_has_an_access_rule(app: Flask) -> None:
    missing = sorted(
        f"{method} {path}"
        for method, path, _, _ in endpoints(app)
        if rules.rule_for(method, path) is None
    )
    assert missing == [], "add a rule in tests/security/rules.py for: " + ", ".join(missing)


def _verdict(
    status: int,
    flashed: list[str],
    *,
    policy: object,
    allowed: bool,
    api: bool,
    anonymous: bool,
    location: str,
) -> str | None:
    """None when the answer is what the rule expects, else what was wrong."""
    to_login = status == 302 and "/login" in location
    if status >= 500:
        return "server error"
    if policy == rules.SESSION:
        return None
    if policy == rules.PUBLIC:
        return "refused" if status == 403 or to_login else None
    if policy == rules.CREDENTIAL:
        return "accepted without credentials" if status < 400 else None
    if allowed:
        return "refused" if status in (401, 403) or to_login else None
    if anonymous:
        if api:
            return None if status == 401 else "anonymous let through"
        return None if to_login or status in (401, 403) else "anonymous let through"
    if status in (401, 403, 404):
        return None
    # page actions turn a refused service call into a redirect with an "error" flash
    if not api and status == 302 and "ok" not in flashed:
        return None
    return "let through"


@pytest.mark.parametrize("family", ["api", "pages"])
def test_access_matrix(app: Flask, session, clock, family: str, monkeypatch) -> None:
    clock.set("2026-10-12T10:00:00+08:00")
    # The softphone's token needs Twilio keys (503 without them, which would hide who may ask).
    for key, value in VOICE_KEYS.items():
        monkeypatch.setitem(app.config, key, value)
    world: World = build(app)
    values = world.values()
    session.commit()
    connection = db.session.get_bind()
    db.session.remove()
    wrong: list[str] = []
    checked = 0
    for method, path, rule_path, api in endpoints(app):
        if api != (family == "api"):
            continue
        found = rules.rule_for(method, path)
        if found is None:
            continue  # reported by test_every_endpoint_has_an_access_rule
        policy, scoped = found
        url = concrete(rule_path, values)
        body = body_for(method, path, world)
        cases: list[tuple[str | None, str]] = [(None, "own")]
        cases += [(role, "own") for role in ROLES]
        if scoped:
            cases += [("unit_agent", "other"), ("unit_head", "other")]
        for role, which in cases:
            allowed = policy in (rules.PUBLIC, rules.CREDENTIAL, rules.SESSION) or (
                role in policy and not (scoped and which == "other")
            )
            savepoint = connection.begin_nested()  # each call sees the world as built
            try:
                response, flashed = world.call(method, url, role, which, api, body)
            finally:
                db.session.remove()
                savepoint.rollback()
            checked += 1
            problem = _verdict(
                response.status_code,
                flashed,
                policy=policy,
                allowed=allowed,
                api=api,
                anonymous=role is None,
                location=response.headers.get("Location", ""),
            )
            if problem:
                wrong.append(
                    f"{method} {path} as {role or 'anonymous'} ({which} unit): "
                    f"{response.status_code} — {problem}"
                )
    assert checked > 0
    assert wrong == [], "\n".join(wrong)
