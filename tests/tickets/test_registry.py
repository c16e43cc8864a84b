"""The transition registry is the single source: the API, the forms and the buttons follow it.

Every expectation below is computed from the rows of `TRANSITIONS` (roles, statuses, pending
rules, schema), never from a second table, so changing a row changes what these tests demand.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash

from hotline.auth.models import User
from hotline.auth.tokens import issue_token
from hotline.core.actor import Actor, Role
from hotline.core.errors import Conflict, Forbidden, InvalidTransition
from hotline.core.extensions import db
from hotline.tickets import transitions as tx
from hotline.tickets.models import Status, Ticket
from hotline.tickets.transitions import BY_SLUG, TRANSITIONS, Transition, offered
from tests.factories import (
    OPERATOR,
    PASSWORD,
    SUPERVISOR,
    UnitFactory,
    UserFactory,
    new_ticket,
    ticket_in,
    unit_actor,
)
from tests.support.api import DESIGN_ACTIONS, OWN_ACTIONS

STAFF_ROLES = [r.value for r in Role]
INSPECTOR = Actor(user_id=None, role="inspector", label="test-inspector")
# A body each transition accepts (forms send the same fields as strings).
BODIES: dict[str, dict] = {
    "accept": {},
    "dispatch": {"unit": "OTHER"},
    "return": {"reason": "不是我们的"},
    "return/approve": {},
    "return/deny": {},
    "extension": {"days": 3, "reason": "需协调"},
    "extension/approve": {},
    "extension/deny": {},
    "reply": {"text": "已处理"},
    "callback": {"reached": True, "resolved": True, "satisfaction": 5},
    "reopen": {"reason": "未解决"},
    "merge": {"into": "20260101-000001"},
    "reject": {"reason": "超出范围"},
    "extension/grant": {"days": 5, "reason": "督查批准"},
    "appeal": {"reason": "诉求超出政策范围", "evidence": "已按规定答复"},
    "appeal/approve": {},
    "appeal/deny": {},
    "resolve-at-source": {"text": "营业执照可在一网通办平台申请。"},
    "not-duplicate": {"reason": "不同诉求"},
    "classify": {"category": "C-NONE", "kind": "complaint"},
}


def _form(body: dict) -> dict:
    return {k: ("1" if v is True else "0" if v is False else str(v)) for k, v in body.items()}


@pytest.fixture(autouse=True)
def _no_jobs(app: Flask) -> Iterator[None]:
    app.config["JOBS_ENABLED"] = False
    try:
        yield
    finally:
        app.config["JOBS_ENABLED"] = True


@pytest.fixture
def people(session, monkeypatch) -> dict:
    """One user per role; the unit roles in `unit`, which gets the tickets."""
    monkeypatch.setattr(
        User,
        "set_password",
        lambda u, p: setattr(
            u, "password_hash", generate_password_hash(p, method="pbkdf2:sha256:1000")
        ),
    )
    unit = UnitFactory(code="MINE")
    UnitFactory(code="OTHER")
    users = {
        role: UserFactory(role=role, unit=unit if role in ("unit_agent", "unit_head") else None)
        for role in STAFF_ROLES
    }
    return {"unit": unit, **users}


@pytest.fixture
def login(client: FlaskClient) -> Callable[[User], FlaskClient]:
    def _login(user: User) -> FlaskClient:
        client.post("/logout")
        response = client.post("/login", data={"username": user.username, "password": PASSWORD})
        assert response.status_code == 302
        return client

    return _login


def _ticket(transition: Transition, unit) -> Ticket:
    """A ticket in a status the transition allows, with the request it decides pending (an
    appeal's ticket has a bad rating: rated 1, back with the unit; one resolved at source is a
    consultation)."""
    statuses = transition.statuses or {Status.accepted}
    status = next(
        s for s in ("dispatched", "accepted", "replied", "triage", "new") if s in statuses
    )
    if transition.slug == "resolve-at-source":
        return ticket_in(status, unit=unit, kind="consultation")
    if transition.slug == "appeal" or transition.needs_pending == "appeal":
        ticket = ticket_in("replied", unit=unit)
        tx.rate(ticket, actor=Actor.complainant(), rating=1)
    else:
        ticket = ticket_in(status, unit=unit)
    if transition.needs_pending == "appeal":
        tx.request_appeal(ticket, actor=unit_actor(unit), reason="不合理", evidence="录音")
    if transition.needs_pending == "return":
        tx.request_return(ticket, actor=unit_actor(unit), reason="不是我们的")
    if transition.needs_pending == "extension":
        tx.request_extension(ticket, actor=unit_actor(unit), days=2, reason="需协调")
    return ticket


def _expected(ticket: Ticket, actor: Actor, pending: set[str]) -> set[str]:
    """What the registry's own columns say this viewer may do, row by row."""
    return {
        t.slug
        for t in TRANSITIONS
        if actor.role in t.roles
        and (not t.own_unit or ticket.unit_id == actor.unit_id)
        and (t.statuses is None or ticket.status in t.statuses)
        and (t.offer_if is None or t.offer_if(ticket))
        and (t.needs_pending is None or t.needs_pending in pending)
        and (t.unless_pending is None or t.unless_pending not in pending)
    }


def test_the_registry_has_exactly_the_designed_actions() -> None:
    assert {t.slug for t in TRANSITIONS} == set(DESIGN_ACTIONS) | set(OWN_ACTIONS)
    assert len({t.name for t in TRANSITIONS}) == len(TRANSITIONS)
    for t in TRANSITIONS:
        assert getattr(tx, t.name) is t  # transitions.<name> is the guarded row itself
        assert set(t.roles) <= set(STAFF_ROLES)
        assert t.statuses is None or set(t.statuses) <= {s.value for s in Status}


def test_every_row_is_an_api_endpoint_and_a_form_post(app: Flask) -> None:
    rules = {(r.rule, m): r.endpoint for r in app.url_map.iter_rules() for m in r.methods or ()}
    for t in TRANSITIONS:
        api = rules.get((f"/api/v1/tickets/<string:number>/{t.slug}", "POST"))
        assert api == "tickets.ticket_" + t.slug.replace("/", "_"), t
        with app.test_request_context():
            if "/" in t.slug:
                kind, decision = t.slug.split("/")
                form = url_for("pages.decide", number="N", kind=kind, decision=decision)
            else:
                form = url_for(f"pages.{t.name}", number="N")
        assert form == f"/tickets/N/{t.slug}"


def test_every_row_is_documented_in_the_openapi_document(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    for t in TRANSITIONS:
        post = spec["paths"][f"/api/v1/tickets/{{number}}/{t.slug}"]["post"]
        assert post["summary"] == t.summary
        body = post["requestBody"]
        assert body["required"] is t.body_required
        ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        documented = set(schemas[ref]["properties"])
        assert documented == set(t.schema().fields), t
        assert {"200", "401", "403", "404", "409", "422"} <= set(post["responses"]), t


def test_a_role_the_registry_does_not_allow_gets_403_from_the_api_and_the_form(
    app: Flask, session, people, login, client: FlaskClient
) -> None:
    checked = forbidden = 0
    for t in TRANSITIONS:
        ticket = _ticket(t, people["unit"])
        session.commit()
        for role in STAFF_ROLES:
            if role in t.roles:
                continue
            user = people[role]
            api = client.post(
                f"/api/v1/tickets/{ticket.number}/{t.slug}",
                json=BODIES[t.slug],
                headers={"Authorization": f"Bearer {issue_token(user)}"},
            )
            # Unit staff do not even see a ticket that is not their unit's: 404 (DESIGN §1).
            hidden = role in ("unit_agent", "unit_head") and ticket.unit_id != user.unit_id
            refused = 404 if hidden else 403
            assert api.status_code == refused, (t, role, api.get_json())
            form = login(user).post(
                f"/tickets/{ticket.number}/{t.slug}", data=_form(BODIES[t.slug])
            )
            assert form.status_code == refused, (t, role)
            forbidden += not hidden
            db.session.refresh(ticket)
            assert ticket.status in (t.statuses or {Status.accepted})
            checked += 1
    assert checked >= len(TRANSITIONS) * 3
    assert forbidden >= len(TRANSITIONS) * 2


def test_a_status_the_registry_does_not_allow_is_409_with_the_current_status(
    session, people
) -> None:
    unit = people["unit"]
    for t in TRANSITIONS:
        if t.statuses is None:
            continue
        status = next(
            s for s in ("replied", "dispatched", "accepted", "closed") if s not in t.statuses
        )
        ticket = ticket_in(status, unit=unit)
        actor = (
            unit_actor(unit)
            if t.own_unit
            else SUPERVISOR
            if "supervisor" in t.roles
            else INSPECTOR
            if "inspector" in t.roles
            else OPERATOR
        )
        with pytest.raises(InvalidTransition) as caught:
            t(ticket, actor=actor, **t.arguments(t.schema().load(BODIES[t.slug])))
        assert caught.value.extra["current_status"] == status


@pytest.mark.parametrize(
    "status", ["new", "triage", "dispatched", "accepted", "replied", "closed", "rejected", "merged"]
)
def test_the_page_offers_exactly_the_buttons_the_registry_allows(
    session, people, login, status: str
) -> None:
    unit = people["unit"]
    if status == "rejected":
        ticket = tx.reject(ticket_in("triage", unit=unit), actor=SUPERVISOR, reason="超出范围")
    elif status == "merged":
        into = new_ticket()
        ticket = tx.merge(ticket_in("dispatched", unit=unit), actor=OPERATOR, into=into.number)
    else:
        ticket = ticket_in(status, unit=unit)
    variants: list[set[str]] = [set()]
    if status in ("dispatched", "accepted"):
        tx.request_return(ticket, actor=unit_actor(unit), reason="不是我们的")
        tx.request_extension(ticket, actor=unit_actor(unit), days=2, reason="需协调")
        variants = [{"return", "extension"}]
    session.commit()
    for pending in variants:
        for role in STAFF_ROLES:
            user = people[role]
            page = login(user).get(f"/tickets/{ticket.number}")
            expected = _expected(ticket, Actor.of(user), pending)
            if page.status_code == 404:  # unit staff and a ticket without their unit
                assert role in ("unit_agent", "unit_head")
                assert ticket.unit_id != unit.id
                assert expected == set()
                continue
            html = page.get_data(as_text=True)
            shown = set(re.findall(rf'action="/tickets/{ticket.number}/([a-z/]+)"', html))
            assert shown == expected, (status, role)
            assert shown == offered(ticket, Actor.of(user), pending)
            for slug in shown:
                assert str(BY_SLUG[slug].label) in html


def test_unit_staff_are_offered_return_and_extension_only_while_none_is_pending(
    session, people
) -> None:
    unit = people["unit"]
    ticket = ticket_in("accepted", unit=unit)
    agent = Actor.of(people["unit_agent"])
    assert {"return", "extension", "reply"} <= offered(ticket, agent, ())
    assert offered(ticket, agent, {"return", "extension"}) == {"reply"}
    supervisor = Actor.of(people["supervisor"])
    assert "return/approve" not in offered(ticket, supervisor, ())
    assert {"return/approve", "return/deny"} <= offered(ticket, supervisor, {"return"})


def test_one_version_check_for_the_api_the_form_and_a_direct_call(
    app: Flask, session, people, login, client: FlaskClient
) -> None:
    unit = people["unit"]
    ticket = ticket_in("dispatched", unit=unit)
    session.commit()
    stale = ticket.version - 1
    agent = people["unit_agent"]
    with pytest.raises(Conflict):
        tx.accept(ticket, actor=unit_actor(unit), expected_version=stale)
    api = client.post(
        f"/api/v1/tickets/{ticket.number}/accept",
        json={"version": stale},
        headers={"Authorization": f"Bearer {issue_token(agent)}"},
    )
    assert api.status_code == 409
    assert api.get_json()["error"]["current_status"] == "dispatched"
    form = login(agent).post(f"/tickets/{ticket.number}/accept", data={"version": str(stale)})
    assert form.status_code == 302
    with client.session_transaction() as flashes:
        assert any(kind == "error" for kind, _ in flashes.get("_flashes", []))
    db.session.refresh(ticket)
    assert ticket.status == "dispatched"
    form = login(agent).post(
        f"/tickets/{ticket.number}/accept", data={"version": str(ticket.version)}
    )
    db.session.refresh(ticket)
    assert ticket.status == "accepted"


def test_a_wrong_role_is_refused_before_anything_else(session, people) -> None:
    ticket = ticket_in("dispatched", unit=people["unit"])
    with pytest.raises(Forbidden):
        tx.accept(ticket, actor=OPERATOR, expected_version=ticket.version - 1)
