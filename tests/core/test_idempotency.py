"""`Idempotency-Key` on POST: a retry gets the first answer, never a second ticket."""

from __future__ import annotations

import pytest

from hotline.core.clock import utcnow
from hotline.core.models import IdempotencyKey
from hotline.tickets.models import Ticket
from tests.factories import ticket_in
from tests.support.api import error_fields, ticket_body

# Wake-ups after commit are recorded, not enqueued (as in tests/tickets/api/).
pytestmark = pytest.mark.usefixtures("woken_jobs")


def test_same_key_twice_creates_one_ticket_and_answers_the_same(operator, session):
    headers = {"Idempotency-Key": "call-0001"}
    first = operator.post("/api/v1/tickets", json=ticket_body(), headers=headers)
    again = operator.post("/api/v1/tickets", json=ticket_body(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert session.query(Ticket).count() == 1


def test_key_order_in_the_body_does_not_matter(operator, session):
    headers = {"Idempotency-Key": "call-0002"}
    body = ticket_body()
    operator.post("/api/v1/tickets", json=body, headers=headers)
    reordered = dict(reversed(list(body.items())))
    assert operator.post("/api/v1/tickets", json=reordered, headers=headers).status_code == 201
    assert session.query(Ticket).count() == 1


def test_same_key_with_another_body_is_422_naming_the_header(operator, session):
    headers = {"Idempotency-Key": "call-0003"}
    operator.post("/api/v1/tickets", json=ticket_body(), headers=headers)
    other = operator.post(
        "/api/v1/tickets", json=ticket_body(description="另一件事"), headers=headers
    )
    assert other.status_code == 422
    assert "Idempotency-Key" in error_fields(other)
    assert session.query(Ticket).count() == 1


def test_without_a_key_each_post_creates_a_ticket(operator, session):
    operator.post("/api/v1/tickets", json=ticket_body())
    operator.post("/api/v1/tickets", json=ticket_body())
    assert session.query(Ticket).count() == 2


def test_keys_are_per_caller(operator, supervisor, session):
    headers = {"Idempotency-Key": "shared-looking-key"}
    a = operator.post("/api/v1/tickets", json=ticket_body(), headers=headers)
    b = supervisor.post("/api/v1/tickets", json=ticket_body(), headers=headers)
    assert a.get_json()["number"] != b.get_json()["number"]
    assert session.query(Ticket).count() == 2


def test_a_transition_retried_with_its_key_is_not_a_409(agent, session, unit):
    """The retry of a lost `accept` answer gets that answer, not "already accepted"."""
    ticket = ticket_in("dispatched", unit=unit)
    session.commit()
    path = f"/api/v1/tickets/{ticket.number}/accept"
    headers = {"Idempotency-Key": "accept-1"}
    first = agent.post(path, headers=headers)
    again = agent.post(path, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.get_json() == first.get_json()
    assert agent.post(path).status_code == 409  # a new request without the key is refused


def test_a_refusal_is_replayed_too(agent, session, unit):
    ticket = ticket_in("accepted", unit=unit)
    session.commit()
    path = f"/api/v1/tickets/{ticket.number}/accept"
    headers = {"Idempotency-Key": "accept-2"}
    assert agent.post(path, headers=headers).status_code == 409
    again = agent.post(path, headers=headers)
    assert again.status_code == 409
    assert again.headers["Idempotent-Replayed"] == "true"


def test_input_errors_are_not_stored_so_the_fixed_body_can_reuse_the_key(operator, session):
    headers = {"Idempotency-Key": "call-0004"}
    bad = operator.post("/api/v1/tickets", json=ticket_body(kind="rant"), headers=headers)
    assert bad.status_code == 422
    fixed = operator.post("/api/v1/tickets", json=ticket_body(), headers=headers)
    assert fixed.status_code == 201
    assert session.query(IdempotencyKey).count() == 1


def test_server_errors_are_not_stored(operator, session, monkeypatch, app):
    from hotline.tickets import service

    def boom(**kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(service, "create", boom)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    headers = {"Idempotency-Key": "call-0005"}
    response = operator.post("/api/v1/tickets", json=ticket_body(), headers=headers)
    assert response.status_code == 500
    assert session.query(IdempotencyKey).count() == 0
    monkeypatch.undo()
    retry = operator.post("/api/v1/tickets", json=ticket_body(), headers=headers)
    assert retry.status_code == 201


def test_overlong_key_is_422_naming_the_header(operator):
    response = operator.post(
        "/api/v1/tickets", json=ticket_body(), headers={"Idempotency-Key": "k" * 256}
    )
    assert response.status_code == 422
    assert "Idempotency-Key" in error_fields(response)


def test_concurrent_request_with_the_same_key_gets_the_winners_answer(
    operator, session, monkeypatch
):
    """The other request commits its key between our lookup and our commit: we replay it."""
    from hotline.core import idempotency
    from hotline.tickets import service

    real_create = service.create
    winner = {"number": "20261008-000042", "status": "new"}

    def create_after_the_winner_committed(**kwargs):
        session.add(
            IdempotencyKey(
                scope=f"user:{operator.user.id}",
                key="race-1",
                method="POST",
                path="/api/v1/tickets",
                request_hash=idempotency.request_fingerprint(),
                status_code=201,
                body=winner,
                created_at=utcnow(),
            )
        )
        session.commit()
        return real_create(**kwargs)

    monkeypatch.setattr(service, "create", create_after_the_winner_committed)
    response = operator.post(
        "/api/v1/tickets", json=ticket_body(), headers={"Idempotency-Key": "race-1"}
    )
    assert (response.status_code, response.get_json()) == (201, winner)
    assert session.query(Ticket).count() == 0  # our duplicate was rolled back
