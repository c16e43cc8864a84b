"""POST /api/v1/tickets: who may create, what comes back, and 422s that name the bad field."""

from __future__ import annotations

import pytest

from hotline.tickets.models import Ticket
from tests.factories import CategoryFactory
from tests.support.api import error_fields, ticket_body


def test_operator_creates_a_ticket_and_reads_back_the_design_shape(operator, session, clock):
    clock.set("2026-10-08T09:30:00+08:00")
    category = CategoryFactory(code="C-ZDJY", name="占道经营", kind="complaint")
    session.commit()
    response = operator.post("/api/v1/tickets", json=ticket_body(category="C-ZDJY"))
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["number"] == "20261008-000001"
    assert response.headers["Location"].endswith(f"/api/v1/tickets/{created['number']}")
    assert response.headers["ETag"] == '"1"'

    read = operator.get(f"/api/v1/tickets/{created['number']}").get_json()
    assert read == created
    assert read["status"] == "new"
    assert read["channel"] == "api"  # the API's default channel
    assert read["kind"] == "complaint"
    assert read["category"] == "C-ZDJY"
    assert read["category_name"] == category.name
    assert read["priority"] == "normal"
    assert read["description"] == "小区门口占道经营，噪音扰民"
    assert read["unit"] is None
    assert read["assisting_units"] == []
    assert read["complainant"] == {
        "phone": "+8613812345678",
        "name": "王先生",
        "disclose_identity": False,
        "confidential": False,
        "publish_consent": False,
    }
    assert read["location"] == {
        "address": "人民路 1 号",
        "district": "鼓楼区",
        "lat": 26.08,
        "long": 119.3,
    }
    assert read["accept_due_at"] is None
    assert read["resolve_due_at"] is None
    assert read["escalation_level"] is None
    assert read["overdue"] is False
    assert read["rating"] is None
    assert read["reply"] is None
    assert read["created_at"] == "2026-10-08T09:30:00+08:00"
    assert read["updated_at"] == "2026-10-08T09:30:00+08:00"
    assert read["version"] == 1


def test_created_ticket_is_committed_and_wakes_routing(operator, session, woken_jobs):
    response = operator.post("/api/v1/tickets", json=ticket_body())
    number = response.get_json()["number"]
    session.rollback()  # only what the request committed is left
    assert session.query(Ticket).filter_by(number=number).one().status == "new"
    assert woken_jobs == ["route"]


def test_supervisor_may_create_too(supervisor):
    assert supervisor.post("/api/v1/tickets", json=ticket_body()).status_code == 201


def test_unit_agent_may_not_create(agent):
    response = agent.post("/api/v1/tickets", json=ticket_body())
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


def test_anonymous_creation_is_refused(client, session):
    response = client.post("/api/v1/tickets", json=ticket_body())
    assert response.status_code == 401


def test_channel_and_priority_are_taken_when_given(operator):
    body = ticket_body(channel="phone", priority="urgent")
    read = operator.post("/api/v1/tickets", json=body).get_json()
    assert (read["channel"], read["priority"]) == ("phone", "urgent")


def _without(body: dict, key: str) -> dict:
    body.pop(key)
    return body


@pytest.mark.parametrize(
    ("body", "path"),
    [
        (_without(ticket_body(), "description"), ["description"]),
        (ticket_body(description="   "), ["description"]),
        (ticket_body(description="投" * 4001), ["description"]),
        (ticket_body(complainant={"phone": "12"}), ["complainant", "phone"]),
        (ticket_body(complainant={"phone": "not a phone"}), ["complainant", "phone"]),
        (ticket_body(complainant={"phone": "138-0013-ABCD"}), ["complainant", "phone"]),
        (ticket_body(media=["javascript:alert(1)"]), ["media"]),
        (_without(ticket_body(), "complainant"), ["complainant"]),
        (ticket_body(category="NO-SUCH"), ["category"]),
        (ticket_body(kind="rant"), ["kind"]),
        (ticket_body(channel="pigeon"), ["channel"]),
        (ticket_body(priority="asap"), ["priority"]),
        (ticket_body(location={"lat": 91, "long": 119.3}), ["location", "lat"]),
        (ticket_body(location={"lat": 26, "long": -181}), ["location", "long"]),
        (ticket_body(location={"lat": "north"}), ["location", "lat"]),
        (ticket_body(surprise=1), ["surprise"]),
    ],
    ids=[
        "missing-description",
        "blank-description",
        "description-4001-chars",
        "short-phone",
        "text-phone",
        "letters-in-phone",
        "javascript-media",
        "missing-complainant",
        "unknown-category",
        "bad-kind",
        "bad-channel",
        "bad-priority",
        "lat-out-of-range",
        "long-out-of-range",
        "lat-not-a-number",
        "unknown-field",
    ],
)
def test_bad_field_is_422_naming_it(operator, session, body, path):
    response = operator.post("/api/v1/tickets", json=body)
    assert response.status_code == 422, response.get_json()
    node = error_fields(response)
    for key in path:
        assert key in node, (path, node)
        node = node[key]
    assert ".".join(path) in response.get_json()["error"]["message"]
    assert session.query(Ticket).count() == 0


def test_description_of_exactly_4000_chars_is_accepted(operator):
    response = operator.post("/api/v1/tickets", json=ticket_body(description="投" * 4000))
    assert response.status_code == 201


def test_body_that_is_not_json_is_a_4xx_not_a_500(operator):
    response = operator.post(
        "/api/v1/tickets", data="{not json", headers={"Content-Type": "application/json"}
    )
    assert 400 <= response.status_code < 500
    assert "error" in response.get_json()


def test_a_nul_anywhere_in_the_json_is_refused_naming_the_field(operator, session):
    body = ticket_body()
    body["complainant"]["name"] = "王\u0000先生"
    response = operator.post("/api/v1/tickets", json=body)
    assert response.status_code == 422
    assert "complainant.name" in error_fields(response)
    assert session.query(Ticket).count() == 0


def test_the_text_backslash_u0000_is_not_a_nul_and_is_kept(operator, session):
    body = ticket_body()
    body["description"] = r"路灯编号 \u0000 不亮"  # a backslash, a u and four zeros, typed
    response = operator.post("/api/v1/tickets", json=body)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["description"] == r"路灯编号 \u0000 不亮"


@pytest.fixture
def ticket_inserts(app):
    """(autocommit?) of each ticket INSERT the app runs, read off the driver connection."""
    from sqlalchemy import Engine, event

    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("autocommit intake is PostgreSQL's one-statement path")
    seen: list[bool] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if "INSERT INTO tickets" in statement:
            seen.append(conn.connection.driver_connection.autocommit)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", record)


@pytest.mark.committed
def test_a_ticket_alone_in_its_request_commits_with_its_one_statement(
    app, clock, ticket_inserts, woken_jobs
):
    from sqlalchemy import delete, select, text

    from hotline.auth.models import User
    from hotline.auth.tokens import issue_token
    from hotline.core.extensions import db
    from hotline.core.models import IdempotencyKey
    from hotline.tickets.models import TicketEvent
    from tests.factories import UserFactory

    clock.set("2031-01-06T10:00:00+08:00")  # a day no other test numbers tickets on
    with app.app_context():
        user = UserFactory(role="operator")
        db.session.commit()
        user_id, headers = user.id, {"Authorization": f"Bearer {issue_token(user)}"}
        db.session.remove()
    client = app.test_client()
    numbers = []
    try:
        for _ in range(2):  # the first request also loads the per-process caches
            response = client.post("/api/v1/tickets", json=ticket_body(), headers=headers)
            assert response.status_code == 201, response.get_json()
            numbers.append(response.get_json()["number"])

        assert ticket_inserts[-1] is True  # no BEGIN and COMMIT round trips around it
        assert woken_jobs == ["route", "route"]  # the session's commit still wakes the router

        # With an Idempotency-Key the key's row shares the ticket's transaction, and a repeat
        # gets the first answer.
        keyed = {**headers, "Idempotency-Key": "create-once-1"}
        first = client.post("/api/v1/tickets", json=ticket_body(), headers=keyed)
        again = client.post("/api/v1/tickets", json=ticket_body(), headers=keyed)
        assert first.status_code == again.status_code == 201
        numbers.append(first.get_json()["number"])
        assert again.get_json()["number"] == numbers[-1]
        assert ticket_inserts[-1] is False
        with app.app_context():
            events = db.session.scalars(
                select(TicketEvent.type)
                .join(Ticket, Ticket.id == TicketEvent.ticket_id)
                .where(Ticket.number == numbers[-1])
            )
            assert list(events) == ["created"]
    finally:
        with app.app_context():
            ids = select(Ticket.id).where(Ticket.number.in_(numbers)).scalar_subquery()
            db.session.execute(delete(TicketEvent).where(TicketEvent.ticket_id.in_(ids)))
            db.session.execute(delete(Ticket).where(Ticket.number.in_(numbers)))
            db.session.execute(
                delete(IdempotencyKey).where(IdempotencyKey.scope == f"user:{user_id}")
            )
            db.session.execute(delete(User).where(User.id == user_id))
            db.session.execute(text("DROP SEQUENCE IF EXISTS ticket_numbers_20310106"))
            db.session.commit()
