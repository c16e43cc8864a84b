"""The bench's building blocks at tiny sizes: the set-based generator, the due-maker, the sweep
over generated tickets, the load generators' request framing and the report."""

from __future__ import annotations

import gc
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from bench import load, report, tickets
from hotline.escalations.sweep import sweep
from hotline.seed.demo import load_reference
from hotline.tickets.models import Escalation, Status, Ticket

NOW = datetime(2026, 10, 13, 2, 0, tzinfo=UTC)


@pytest.fixture
def generated(session: Session, clock) -> int:
    clock.set("2026-10-13T10:00:00+08:00")
    load_reference(now=NOW)
    session.flush()
    return tickets.generate(session, n=1000, now=NOW)


def _by_status(session: Session) -> dict[str, int]:
    rows = session.execute(sa.select(Ticket.status, sa.func.count()).group_by(Ticket.status))
    return dict(rows.all())


def test_generator_makes_a_fifth_open_with_future_checks_and_the_rest_closed(
    session: Session, generated: int
) -> None:
    counts = _by_status(session)
    assert counts.get(Status.dispatched, 0) + counts.get(Status.accepted, 0) == 200
    assert counts[Status.closed] == 800
    open_checks = session.scalars(
        sa.select(Ticket.sla_check_at).where(Ticket.status.in_(["dispatched", "accepted"]))
    ).all()
    assert all(check is not None and check > NOW for check in open_checks)
    assert (
        session.scalar(
            sa.select(sa.func.count()).where(
                Ticket.status == Status.closed, Ticket.sla_check_at.is_not(None)
            )
        )
        == 0
    )
    numbers = session.scalars(sa.select(Ticket.number)).all()
    assert len(set(numbers)) == 1000
    phones = session.scalars(sa.select(Ticket.complainant_phone)).all()
    assert {len(p) for p in phones} == {14}, "+86138 and eight digits, on every backend"


def test_a_sweep_over_generated_tickets_escalates_nothing_until_some_are_made_due(
    session: Session, generated: int
) -> None:
    assert sweep(now=NOW).checked == 0
    assert tickets.make_due(session, count=37, now=NOW) == 37
    due_ids = set(session.scalars(sa.select(Ticket.id).where(Ticket.sla_check_at <= NOW)).all())
    before = tickets.counts(session)
    summary = sweep(now=NOW)
    after = tickets.counts(session)
    assert summary.checked == 37
    escalated = set(session.scalars(sa.select(Escalation.ticket_id).distinct()).all())
    assert escalated == due_ids
    assert summary.levels["overdue"] == 37
    assert after["events"] > before["events"]
    assert after["outbox"] > before["outbox"]
    assert sweep(now=NOW).checked == 0  # each level once: a second sweep finds nothing due


def test_events_for_generated_tickets_follow_their_life_cycle(
    session: Session, generated: int
) -> None:
    written = tickets.generate_events(session, first=generated, last=generated + 999)
    # every ticket dispatched; open ones half accepted; closed ones accepted, replied, rated
    assert written == 1000 + 100 + 800 * 3


def test_paced_requests_are_framed_with_the_body_length() -> None:
    raw = load.http_request("/api/v1/tickets", "工单".encode(), {"X-A": "1"})
    head, body = raw.split(b"\r\n\r\n")
    assert b"Content-Length: 6" in head
    assert body == "工单".encode()


def test_paced_client_runs_with_its_heap_frozen_and_leaves_the_collector_as_it_was() -> None:
    # A full collection over the bench process's heap stalls the client, and the paced client
    # would charge that stall to the server as latency.
    seen: list[int] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            seen.append(gc.get_freeze_count())
            self.send_response(201)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    raw = load.http_request("/complaints", b"{}", {"Content-Type": "application/json"})
    try:
        result = load.paced(
            "127.0.0.1", server.server_address[1], lambda i: raw, rate=50, seconds=0.2
        )
    finally:
        server.shutdown()
        server.server_close()
    assert (result.requests, result.errors) == (10, 0)
    assert len(seen) == 10
    assert min(seen) > 10_000  # pytest, the app and the stack: all out of the collector's way
    assert gc.get_freeze_count() == 0


def test_lua_literals_survive_any_body() -> None:
    tricky = 'a]=]b"\\n工'
    literal = load._lua_str(tricky)
    assert literal.startswith("[==[")
    assert literal.endswith("]==]")
    assert tricky in literal


def test_report_shows_every_figure_and_says_when_a_section_failed() -> None:
    results = {
        "command": "python -m bench.run --quick",
        "started_at": "2026-11-28T10:00:00+00:00",
        "machine": {"nproc": 2, "memory_gb": 23.5, "postgresql": "15.2", "redis": "7.0.15"},
        "sizes": {},
        "sections": {
            "intake": {"error": "RuntimeError: wrk failed"},
            "peer": {"ok": False, "reason": "pip install django-helpdesk failed: offline"},
        },
    }
    text = report.markdown(results)
    assert "python -m bench.run --quick" in text
    assert "wrk failed" in text
    assert "offline" in text
