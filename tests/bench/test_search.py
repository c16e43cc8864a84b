"""The search bench section at tiny size: its set-based words are the words the real indexing
writes, and a run times every query for both roles with believable match counts."""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from bench import report, search, tickets
from hotline.auth.tokens import issue_token
from hotline.auth.users import create_user
from hotline.core.clock import utcnow
from hotline.core.extensions import db
from hotline.seed.demo import load_reference
from hotline.tickets.models import Ticket
from hotline.tickets.search import ticket_tokens


@pytest.fixture
def postgresql(session) -> None:
    if db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("the bench generates on PostgreSQL only (generate_series, arrays)")


def test_the_set_based_words_are_the_real_words(session, clock, postgresql) -> None:
    load_reference(now=utcnow())
    first = tickets.generate(db.session, n=300, now=utcnow())
    search.describe(db.session, first=first, last=first + 299)
    rows = db.session.execute(
        sa.select(Ticket.description, Ticket.address, Ticket.search_tokens).where(
            Ticket.id >= first
        )
    ).all()
    assert len({r.description for r in rows}) > 250  # varied, not one text
    for row in rows:
        real = Counter(ticket_tokens(row.description, row.address, False).split())
        assert Counter(row.search_tokens.split()) == real, row.description


def test_a_tiny_run_times_every_query_for_both_roles(app, session, clock, postgresql) -> None:
    load_reference(now=utcnow())
    operator = create_user(username="bench-op", password="bench-password-1", role="operator")
    session.commit()
    stack = SimpleNamespace(app=app, token=issue_token(operator))
    out = search.run(stack, tickets_n=2500)
    assert out["tickets"] == 2500
    assert out["reindex"]["tickets"] == search.REINDEX_SAMPLE
    queries = out["queries"]
    assert len(queries) == 2 * len(search.QUERIES) - 1  # a unit never searches by phone
    assert queries["operator: one common word"]["total"] > 0
    assert queries["operator: a phone"]["total"] == 1
    for label, _, _ in search.QUERIES[:5]:
        assert queries[f"unit_agent: {label}"]["total"] <= queries[f"operator: {label}"]["total"]
    assert out["p95_ms"] > 0
    text = report.markdown({"sections": {"search": out}})
    assert "## Search" in text
    assert "search GET /api/v1/tickets?q= p95 < 200 ms over 2,500 tickets" in text
