"""The unit of work: one commit or one rollback per request, job and command, then its hooks."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from hotline.core import uow
from hotline.core.errors import Conflict
from hotline.core.extensions import db
from hotline.tickets.models import Ticket
from hotline.units.models import Unit
from tests.factories import UnitFactory, ticket_in
from workers.app import job_class_for

JSON = {"Accept": "application/json"}


def _unit(code: str) -> Unit | None:
    return db.session.scalar(select(Unit).where(Unit.code == code))


@pytest.fixture
def view(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Callable[[Callable], None]:
    """Put a view of the test's own behind POST /login (its decorators go with the original)."""

    def install(fn: Callable) -> None:
        monkeypatch.setitem(app.view_functions, "signin.login", fn)

    return install


# ---- hooks ----------------------------------------------------------------------------------


def test_hooks_run_once_after_commit_in_order_and_one_per_key(session):
    ran: list[str] = []
    uow.on_commit("a", lambda: ran.append("a"))
    uow.on_commit("b", lambda: ran.append("b"))
    uow.on_commit("a", lambda: ran.append("a again"))  # the same key: already registered
    UnitFactory()
    assert ran == []  # nothing before the commit
    uow.checkpoint()
    assert ran == ["a", "b"]
    uow.checkpoint()
    assert ran == ["a", "b"]  # a hook belongs to one transaction


def test_hooks_never_run_after_a_rollback(session):
    ran: list[str] = []
    UnitFactory()
    uow.on_commit("a", lambda: ran.append("a"))
    uow.rollback()
    uow.checkpoint()
    assert ran == []


def test_a_rolled_back_savepoint_keeps_the_transactions_hooks(session):
    ran: list[str] = []
    uow.on_commit("a", lambda: ran.append("a"))

    def fail_in_a_savepoint() -> None:
        with db.session.begin_nested():
            UnitFactory()
            raise RuntimeError("one row of a batch fails")

    with pytest.raises(RuntimeError):
        fail_in_a_savepoint()
    uow.checkpoint()
    assert ran == ["a"]


def test_a_failing_hook_neither_undoes_the_commit_nor_stops_the_others(session):
    ran: list[str] = []

    def broken() -> None:
        raise RuntimeError("Redis is down")

    UnitFactory(code="HOOKED")
    uow.on_commit("broken", broken)
    uow.on_commit("after", lambda: ran.append("after"))
    uow.checkpoint()
    uow.rollback()
    assert ran == ["after"]
    assert _unit("HOOKED") is not None


def test_wake_ups_are_recorded_when_jobs_are_off(session, app, monkeypatch):
    from hotline.core.queue import cancel_wake_ups, wake_after_commit

    monkeypatch.setitem(app.config, "JOBS_ENABLED", False)
    woken = app.extensions.setdefault("hotline_woken", [])
    woken.clear()
    wake_after_commit("route")
    wake_after_commit("route")
    uow.rollback()
    assert woken == []
    wake_after_commit("route")
    uow.checkpoint()
    assert woken == ["route"]
    wake_after_commit("outbox")
    cancel_wake_ups()  # the seed's history needs no sender
    uow.checkpoint()
    assert woken == ["route"]
    woken.clear()


# ---- a web request --------------------------------------------------------------------------


def test_a_view_that_answers_below_400_is_committed_and_then_its_hooks_run(
    client: FlaskClient, session, view
):
    ran: list[str] = []

    def write() -> tuple[str, int]:
        UnitFactory(code="KEPT")
        uow.on_commit("k", lambda: ran.append("committed"))
        return "ok", 201

    view(write)
    assert client.post("/login").status_code == 201
    assert ran == ["committed"]
    db.session.rollback()  # whatever the request did not commit would go now
    assert _unit("KEPT") is not None


def test_a_view_that_raises_leaves_nothing_committed_and_runs_no_hook(
    client: FlaskClient, session, view
):
    ran: list[str] = []

    def write_then_refuse() -> str:
        UnitFactory(code="GONE")
        db.session.flush()
        uow.on_commit("k", lambda: ran.append("committed"))
        raise Conflict("refused after writing")

    view(write_then_refuse)
    response = client.post("/login", headers=JSON)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "conflict"
    assert _unit("GONE") is None
    assert ran == []


def test_a_view_that_answers_an_error_is_rolled_back_unless_it_keeps_its_writes(
    client: FlaskClient, session, view
):
    def refuse(code: str, keep: bool) -> Callable[[], tuple[str, int]]:
        def answer() -> tuple[str, int]:
            UnitFactory(code=code)
            if keep:
                uow.keep()
            return "no", 401

        return answer

    view(refuse("DROPPED", keep=False))
    assert client.post("/login").status_code == 401
    assert _unit("DROPPED") is None
    view(refuse("COUNTED", keep=True))  # a failed login's counter stands
    assert client.post("/login").status_code == 401
    assert _unit("COUNTED") is not None
    view(refuse("AGAIN", keep=False))  # `keep` was that request's only
    assert client.post("/login").status_code == 401
    assert _unit("AGAIN") is None


def test_a_version_conflict_at_commit_answers_409_not_500(
    client: FlaskClient, session, clock, view
):
    clock.set("2026-10-08T09:00:00+08:00")
    ticket = ticket_in("accepted", unit=UnitFactory())
    uow.checkpoint()

    def edit_after_someone_else() -> str:
        mine = db.session.get(Ticket, ticket.id)
        # Someone else's commit between our read and our UPDATE … WHERE version = n.
        db.session.execute(
            update(Ticket)
            .where(Ticket.id == mine.id)
            .values(version=Ticket.version + 1)
            .execution_options(synchronize_session=False)
        )
        mine.description = "我的修改"  # flushed only by the request's commit
        return "saved"

    view(edit_after_someone_else)
    response = client.post("/login", headers=JSON)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "conflict"
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).description != "我的修改"


def test_retrying_reruns_a_view_that_lost_a_race_from_a_fresh_session(
    client: FlaskClient, session, view, caplog
):
    from sqlalchemy.orm.exc import StaleDataError

    runs: list[int] = []

    @uow.retrying(attempts=3)
    def lose_once() -> str:
        UnitFactory(code=f"RUN{len(runs)}")
        db.session.flush()
        runs.append(len(runs))
        if len(runs) == 1:
            raise StaleDataError("UPDATE statement on table 'tickets' expected to update 1 row")
        return "ok"

    view(lose_once)
    assert client.post("/login").status_code == 200
    assert runs == [0, 1]
    assert _unit("RUN0") is None  # the lost run was rolled back
    assert _unit("RUN1") is not None
    assert "lost a race with a concurrent transaction (run 1 of 3)" in caplog.text


def test_retrying_answers_its_fallback_when_every_run_loses_and_keeps_nothing(
    client: FlaskClient, session, view
):
    from sqlalchemy.exc import OperationalError

    class Deadlock(Exception):
        sqlstate = "40P01"

    runs: list[str] = []

    @uow.retrying(attempts=2, exhausted=lambda: ("try again", 200))
    def always_lose() -> str:
        UnitFactory(code=f"LOST{len(runs)}")
        runs.append("run")
        raise OperationalError("UPDATE tickets", {}, Deadlock())

    view(always_lose)
    response = client.post("/login")
    assert (response.status_code, response.data) == (200, b"try again")
    assert runs == ["run", "run"]
    assert _unit("LOST0") is None
    assert _unit("LOST1") is None


def test_retrying_does_not_rerun_other_errors(client: FlaskClient, session, view):
    runs: list[str] = []

    @uow.retrying()
    def refuse() -> str:
        runs.append("run")
        raise Conflict("refused")

    view(refuse)
    assert client.post("/login", headers=JSON).status_code == 409
    assert runs == ["run"]


# ---- a job and a command --------------------------------------------------------------------


def write_unit(code: str, fail: bool) -> str:
    """A job body: writes a unit, then fails if asked."""
    UnitFactory(code=code)
    db.session.flush()
    if fail:
        raise RuntimeError("the job failed after writing")
    return code


@pytest.fixture
def job(app: Flask, redis) -> Callable[..., object]:
    job_class = job_class_for(app)

    def perform(**kwargs: object) -> object:
        created = job_class.create(write_unit, kwargs=kwargs, connection=redis)
        return created.perform()

    return perform


def test_a_job_commits_once_at_its_end(session, job):
    assert job(code="JOBDONE", fail=False) == "JOBDONE"
    db.session.rollback()
    assert _unit("JOBDONE") is not None


def test_a_job_that_raises_rolls_back(session, job):
    with pytest.raises(RuntimeError):
        job(code="JOBFAIL", fail=True)
    assert _unit("JOBFAIL") is None


def test_a_command_commits_or_rolls_back_as_a_whole(session):
    with uow.unit_of_work():
        UnitFactory(code="CMDDONE")

    def fail() -> None:
        with uow.unit_of_work():
            UnitFactory(code="CMDFAIL")
            db.session.flush()
            raise RuntimeError("the command failed")

    with pytest.raises(RuntimeError):
        fail()
    assert _unit("CMDFAIL") is None
    assert _unit("CMDDONE") is not None
