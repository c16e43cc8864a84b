"""The access matrix: every endpoint (OpenAPI document + page routes) × every role (and no one)
× own unit / other unit, against the rules table in tests/security/rules.py."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask

from hotline.extensions import db
from tests.security import rules
from tests.security.world import ROLES, World, body_for, build

SKIP_METHODS = {"HEAD", "OPTIONS"}


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


def _verdict(status: int, allowed: bool, api: bool, anonymous: bool, location: str) -> str | None:
    """None when `status` is what the rule expects, else what was wrong."""
    if status >= 500:
        return "server error"
    denied = status in (401, 403, 404) or (status == 302 and "/login" in location)
    if allowed:
        return (
            "refused" if status in (401, 403) or (status == 302 and "/login" in location) else None
        )
    if anonymous:
        expected = status == 401 if api else (status in (401, 403) or "/login" in location)
        return None if expected else "anonymous let through"
    return None if denied else "let through"


@pytest.mark.parametrize("family", ["api", "pages"])
def test_access_matrix(app: Flask, session, clock, family: str) -> None:
    clock.set("2026-10-12T10:00:00+08:00")
    world: World = build(app)
    values = world.values()
    session.commit()
    connection = db.session.get_bind()
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
            if policy == rules.PUBLIC:
                allowed = True
            elif policy == rules.SIGNED:
                allowed = False
            else:
                allowed = role in policy and not (scoped and which == "other")
            db.session.remove()
            savepoint = connection.begin_nested()
            try:
                response = world.call(method, url, role, which, api, body)
            finally:
                db.session.remove()
                savepoint.rollback()
            checked += 1
            problem = _verdict(
                response.status_code,
                allowed,
                api,
                role is None,
                response.headers.get("Location", ""),
            )
            if policy == rules.SIGNED and response.status_code != 403:
                problem = "unsigned webhook accepted"
            if problem:
                wrong.append(
                    f"{method} {path} as {role or 'anonymous'} ({which} unit): "
                    f"{response.status_code} — {problem}"
                )
    assert checked > 0
    assert wrong == [], "\n".join(wrong)
