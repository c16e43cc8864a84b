"""Every transition endpoint through HTTP: legal moves, illegal ones (409) and stale versions."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from hotline.tickets import service as tickets
from hotline.tickets import transitions as tx
from hotline.tickets.models import Ticket, TicketEvent
from tests.factories import OPERATOR, SUPERVISOR, new_ticket, ticket_in, unit_actor
from tests.support.api import error_fields


def url(ticket: Ticket, action: str) -> str:
    return f"/api/v1/tickets/{ticket.number}/{action}"


def ok(response) -> dict:
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def last_event(session, ticket: Ticket) -> TicketEvent:
    return (
        session.query(TicketEvent)
        .filter_by(ticket_id=ticket.id)
        .order_by(TicketEvent.id.desc())
        .first()
    )


def test_agent_accepts_and_the_event_names_them(agent, session, unit):
    ticket = ticket_in("dispatched", unit=unit)
    session.commit()
    read = ok(agent.post(url(ticket, "accept")))
    assert read["status"] == "accepted"
    assert read["version"] == ticket.version
    event = last_event(session, ticket)
    assert (event.type, event.actor_id, event.actor_label) == (
        "accepted",
        agent.user.id,
        agent.user.username,
    )


def test_operator_dispatches_from_triage_with_deadlines(operator, session, unit, clock):
    clock.set("2026-09-30T10:00:00+08:00")
    ticket = ticket_in("triage", unit=unit)
    session.commit()
    read = ok(operator.post(url(ticket, "dispatch"), json={"unit": unit.code}))
    assert read["status"] == "dispatched"
    assert read["unit"] == {"code": unit.code, "name": unit.name}
    assert read["resolve_due_at"] == "2026-10-14T00:00:00+08:00"


def test_dispatch_to_an_unknown_unit_is_422_naming_unit(operator, session, unit):
    ticket = ticket_in("triage", unit=unit)
    session.commit()
    response = operator.post(url(ticket, "dispatch"), json={"unit": "NOPE"})
    assert response.status_code == 422
    assert "unit" in error_fields(response)


def test_return_then_approve_sends_the_ticket_back_to_triage(
    agent, supervisor, session, unit, other_unit
):
    ticket = ticket_in("dispatched", unit=unit)
    session.commit()
    body = {"reason": "不属于本单位职责", "suggested_unit": other_unit.code}
    assert ok(agent.post(url(ticket, "return"), json=body))["status"] == "dispatched"
    assert last_event(session, ticket).type == "return_requested"
    read = ok(supervisor.post(url(ticket, "return/approve"), json={"reason": "同意"}))
    assert read["status"] == "triage"
    assert read["unit"] is None


def test_return_denied_stays_with_the_unit(agent, supervisor, session, unit):
    ticket = ticket_in("accepted", unit=unit)
    session.commit()
    ok(agent.post(url(ticket, "return"), json={"reason": "不属于本单位职责"}))
    read = ok(supervisor.post(url(ticket, "return/deny")))
    assert read["status"] == "accepted"
    assert read["unit"]["code"] == unit.code
    assert last_event(session, ticket).type == "return_denied"


def test_extension_approved_moves_the_resolve_deadline(agent, supervisor, session, unit, clock):
    clock.set("2026-09-30T10:00:00+08:00")
    ticket = ticket_in("accepted", unit=unit)
    session.commit()
    ok(agent.post(url(ticket, "extension"), json={"days": 3, "reason": "需要现场复查"}))
    read = ok(supervisor.post(url(ticket, "extension/approve")))
    # 14 October 00:00 plus 3 working days (14, 15, 16 October).
    assert read["resolve_due_at"] == "2026-10-17T00:00:00+08:00"


def test_extension_denied_keeps_the_deadline(agent, supervisor, session, unit, clock):
    clock.set("2026-09-30T10:00:00+08:00")
    ticket = ticket_in("accepted", unit=unit)
    session.commit()
    ok(agent.post(url(ticket, "extension"), json={"days": 3, "reason": "需要现场复查"}))
    read = ok(supervisor.post(url(ticket, "extension/deny"), json={"reason": "时间充足"}))
    assert read["resolve_due_at"] == "2026-10-14T00:00:00+08:00"
    assert last_event(session, ticket).type == "extension_denied"


def test_extension_of_zero_days_is_422_naming_days(agent, session, unit):
    ticket = ticket_in("accepted", unit=unit)
    session.commit()
    response = agent.post(url(ticket, "extension"), json={"days": 0, "reason": "x"})
    assert response.status_code == 422
    assert "days" in error_fields(response)


def test_reply_records_the_answer(agent, session, unit):
    ticket = ticket_in("accepted", unit=unit)
    session.commit()
    read = ok(agent.post(url(ticket, "reply"), json={"text": "已现场处理，摊贩已劝离。"}))
    assert read["status"] == "replied"
    assert read["reply"]["text"] == "已现场处理，摊贩已劝离。"


def test_satisfied_callback_closes_with_the_rating(operator, session, unit):
    ticket = ticket_in("replied", unit=unit)
    session.commit()
    body = {"reached": True, "resolved": True, "satisfaction": 5}
    read = ok(operator.post(url(ticket, "callback"), json=body))
    assert (read["status"], read["rating"]) == ("closed", 5)


def test_unresolved_callback_reopens(operator, session, unit):
    ticket = ticket_in("replied", unit=unit)
    session.commit()
    body = {"reached": True, "resolved": False, "satisfaction": 2}
    read = ok(operator.post(url(ticket, "callback"), json=body))
    assert read["status"] == "accepted"
    assert read["reopen_count"] == 1


def test_callback_satisfaction_out_of_range_is_422(operator, session, unit):
    ticket = ticket_in("replied", unit=unit)
    session.commit()
    body = {"reached": True, "resolved": True, "satisfaction": 6}
    assert "satisfaction" in error_fields(operator.post(url(ticket, "callback"), json=body))


def test_reopen_sends_a_closed_ticket_back_to_the_unit(operator, session, unit):
    ticket = ticket_in("closed", unit=unit)
    session.commit()
    read = ok(operator.post(url(ticket, "reopen"), json={"reason": "市民反映问题复发"}))
    assert read["status"] == "accepted"
    assert read["unit"]["code"] == unit.code


def test_merge_folds_a_duplicate_into_another_ticket(operator, session):
    kept, duplicate = new_ticket(), new_ticket()
    session.commit()
    read = ok(operator.post(url(duplicate, "merge"), json={"into": kept.number}))
    assert (read["status"], read["merged_into"]) == ("merged", kept.number)


def test_merge_into_an_unknown_ticket_is_422_naming_into(operator, session):
    ticket = new_ticket()
    session.commit()
    response = operator.post(url(ticket, "merge"), json={"into": "20990101-000001"})
    assert response.status_code == 422
    assert "into" in error_fields(response)


def test_supervisor_rejects_an_out_of_scope_ticket(supervisor, session, unit):
    ticket = ticket_in("triage", unit=unit)
    session.commit()
    read = ok(supervisor.post(url(ticket, "reject"), json={"reason": "属 110 紧急警情，已转接"}))
    assert read["status"] == "rejected"


@pytest.mark.parametrize(
    ("who", "status", "action", "body"),
    [
        ("agent", "accepted", "accept", None),
        ("operator", "accepted", "dispatch", {"unit": "SCJGJ"}),
        ("agent", "replied", "return", {"reason": "不是我们的"}),
        ("supervisor", "dispatched", "return/approve", None),
        ("supervisor", "dispatched", "return/deny", None),
        ("agent", "replied", "extension", {"days": 2, "reason": "复查"}),
        ("supervisor", "accepted", "extension/approve", None),
        ("supervisor", "accepted", "extension/deny", None),
        ("agent", "dispatched", "reply", {"text": "已处理"}),
        ("operator", "accepted", "callback", {"reached": True, "resolved": True}),
        ("operator", "dispatched", "reopen", {"reason": "未解决"}),
        ("operator", "closed", "merge", {"into": "__other__"}),
        ("supervisor", "dispatched", "reject", {"reason": "无效"}),
    ],
)
def test_illegal_transition_is_409_with_the_current_status(
    request, session, unit, who, status, action, body
):
    caller = request.getfixturevalue(who)
    ticket = ticket_in(status, unit=unit)
    if body and body.get("into") == "__other__":
        body = {"into": new_ticket().number}
    session.commit()
    version = ticket.version
    response = caller.post(url(ticket, action), json=body or {})
    assert response.status_code == 409, response.get_json()
    error = response.get_json()["error"]
    assert error["current_status"] == status
    session.expire_all()
    assert session.get(Ticket, ticket.id).version == version  # nothing changed


@pytest.mark.parametrize(
    ("who", "status", "action", "body"),
    [
        ("operator", "dispatched", "accept", None),
        ("agent", "triage", "dispatch", {"unit": "SCJGJ"}),
        ("operator", "dispatched", "return", {"reason": "x"}),
        ("operator", "dispatched", "extension/approve", None),
        ("agent", "replied", "callback", {"reached": False}),
        ("operator", "triage", "reject", {"reason": "x"}),
        ("agent", "new", "merge", {"into": "20990101-000001"}),
    ],
)
def test_role_that_may_not_act_gets_403(request, session, unit, who, status, action, body):
    caller = request.getfixturevalue(who)
    ticket = ticket_in(status, unit=unit)
    session.commit()
    if who == "agent" and status in ("triage", "new"):
        # Unit staff cannot even see a ticket that is not their unit's.
        assert caller.post(url(ticket, action), json=body or {}).status_code == 404
        return
    assert caller.post(url(ticket, action), json=body or {}).status_code == 403


def test_other_units_agent_gets_404_on_actions(other_agent, session, unit):
    ticket = ticket_in("dispatched", unit=unit)
    session.commit()
    assert other_agent.post(url(ticket, "accept")).status_code == 404


def test_stale_if_match_is_409_and_changes_nothing(agent, operator, session, unit):
    ticket = ticket_in("dispatched", unit=unit)
    session.commit()
    etag = operator.get(f"/api/v1/tickets/{ticket.number}").headers["ETag"]
    tx.accept(ticket, actor=unit_actor(unit))  # someone else moved it on
    tx.request_return(ticket, actor=unit_actor(unit), reason="不是我们的")
    session.commit()
    response = agent.post(url(ticket, "reply"), json={"text": "已处理"}, headers={"If-Match": etag})
    assert response.status_code == 409
    assert response.get_json()["error"]["current_status"] == "accepted"
    assert session.get(Ticket, ticket.id).status == "accepted"


def test_current_if_match_or_version_is_accepted(agent, session, unit):
    ticket = ticket_in("accepted", unit=unit)
    session.commit()
    version = ticket.version
    response = agent.post(
        url(ticket, "extension"),
        json={"days": 2, "reason": "复查"},
        headers={"If-Match": f'"{version}"'},
    )
    assert response.status_code == 200
    assert response.headers["ETag"] == f'"{version + 1}"'
    stale = agent.post(url(ticket, "reply"), json={"text": "已处理", "version": version})
    assert stale.status_code == 409


def test_malformed_if_match_is_422_naming_the_header(agent, session, unit):
    ticket = ticket_in("dispatched", unit=unit)
    session.commit()
    response = agent.post(url(ticket, "accept"), headers={"If-Match": "yesterday"})
    assert response.status_code == 422
    assert "If-Match" in error_fields(response)


def test_concurrent_write_between_read_and_update_is_409(agent, session, unit, monkeypatch):
    """Two clerks at once: the UPDATE … WHERE version = n finds nothing (StaleDataError)."""
    ticket = ticket_in("dispatched", unit=unit)
    session.commit()
    real_read = tickets.get_by_number

    def read_then_someone_else_writes(number, **kwargs):
        t = real_read(number, **kwargs)
        table = Ticket.__table__
        session.connection().execute(  # Core, behind the ORM's back like another process
            update(table).where(table.c.id == t.id).values(version=table.c.version + 1)
        )
        return t

    monkeypatch.setattr(tickets, "get_by_number", read_then_someone_else_writes)
    response = agent.post(url(ticket, "accept"))
    assert response.status_code == 409
    assert response.get_json()["error"]["current_status"] == "dispatched"


def test_operator_actions_from_the_service_helpers_are_ours(session):
    """Sanity for the fixtures above: the service actors are not API users."""
    assert OPERATOR.user_id is None
    assert SUPERVISOR.role == "supervisor"


@pytest.mark.committed
def test_two_api_accepts_at_once_answer_200_and_409_never_500(app, clock):
    """Both read version 1 and queue behind a lock on the row; the loser's UPDATE … WHERE
    version = 1 finds version 2 and is answered 409 with the current version."""
    from hotline.auth.tokens import issue_token
    from hotline.core.extensions import db
    from tests.factories import UnitFactory, UserFactory
    from tests.support.races import (
        committed_rows,
        hold_row,
        require_postgresql,
        threads,
        wait_blocked,
    )

    require_postgresql(app)
    clock.set("2031-02-04T10:00:00+08:00")
    with committed_rows(app):
        with app.app_context():
            unit = UnitFactory()
            tokens = [issue_token(UserFactory(role="unit_agent", unit=unit)) for _ in range(2)]
            ticket = ticket_in("dispatched", unit=unit)
            ticket_id, path = ticket.id, url(ticket, "accept")
            db.session.commit()

        def accept(token: str):
            return app.test_client().post(path, headers={"Authorization": f"Bearer {token}"})

        with threads(app) as start:
            with hold_row(app, "tickets", ticket_id):
                posts = [start(lambda t=t: accept(t)) for t in tokens]
                wait_blocked(app, 2)
            answers = sorted(
                (post.result(timeout=30) for post in posts), key=lambda a: a.status_code
            )

        assert [a.status_code for a in answers] == [200, 409], [a.get_json() for a in answers]
        error = answers[1].get_json()["error"]
        assert error["code"] == "conflict"
        assert (error["current_status"], error["current_version"]) == ("accepted", 3)
        with app.app_context():
            assert db.session.get(Ticket, ticket_id).status == "accepted"
