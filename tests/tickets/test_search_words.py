"""The search words of tickets: written by the search-words job for new tickets (not by intake
nor routing), by `flask tickets reindex` for older ones; the index PostgreSQL answers from."""

from __future__ import annotations

from sqlalchemy import Text, cast, select

from hotline.core.extensions import db
from hotline.core.fulltext import match, query_words
from hotline.tickets import search
from hotline.tickets.jobs import route_pending, write_search_words
from hotline.tickets.models import Ticket
from tests.factories import CategoryFactory, new_ticket
from tests.support.plans import query_plan


def _words(ticket_id: int) -> str | None:
    db.session.expire_all()
    return db.session.scalar(select(Ticket.search_tokens).where(Ticket.id == ticket_id))


def test_neither_intake_nor_routing_segments_the_job_does(session, queues):
    ticket = new_ticket(category=CategoryFactory(), description="井盖丢失，非常危险")
    session.commit()
    assert _words(ticket.id) is None  # intake's fast path does not segment
    assert route_pending() == 1
    assert _words(ticket.id) is None  # nor routing: its rate is a guarded figure
    assert write_search_words() == 1
    words = _words(ticket.id).split()
    assert "井盖" in words
    assert "丢失" in words
    assert "危" in words  # each character too: a one-character query finds it


def test_the_job_writes_each_tickets_words_once(app, session):
    tickets_ = [new_ticket(description=f"井盖丢失，第{i}次反映") for i in range(3)]
    session.commit()
    assert write_search_words() == 3
    assert all("井盖" in _words(t.id).split() for t in tickets_)
    assert write_search_words() == 0  # nothing left to do


def test_reindex_is_batched_resumable_and_leaves_the_version_alone(session):
    made = [new_ticket(description=f"噪音扰民 {i}") for i in range(5)]
    session.commit()
    versions = {t.id: t.version for t in made}
    commits = []

    def commit() -> None:
        commits.append(1)
        session.commit()

    assert search.reindex(batch_size=2, limit=2, commit=commit) == 2
    assert search.reindex(batch_size=2, commit=commit) == 3  # carries on with the rest
    assert len(commits) == 3
    db.session.expire_all()
    rows = db.session.execute(select(Ticket.id, Ticket.version, Ticket.search_tokens)).all()
    assert all("噪音" in words.split() for _, _, words in rows)
    assert {i: v for i, v, _ in rows} == versions  # ETags held by clients stay valid
    assert search.reindex(commit=commit) == 0
    assert search.reindex(everything=True, commit=commit) == 5


def test_a_confidential_tickets_address_is_not_among_its_words(session):
    open_ = new_ticket(description="垃圾堆积", address="幸福路12号")
    secret = new_ticket(description="垃圾堆积", address="幸福路14号", confidential=True)
    session.commit()
    search.reindex(commit=session.commit)
    assert "幸福" in _words(open_.id).split()
    assert "幸福" not in _words(secret.id).split()
    assert "垃圾" in _words(secret.id).split()


def test_postgresql_stores_the_vector_and_answers_from_the_gin_index(session):
    ticket = new_ticket(description="装修噪音周末不停")
    session.commit()
    search.reindex(commit=session.commit)
    vector = db.session.scalar(
        select(cast(Ticket.search_vector, Text)).where(Ticket.id == ticket.id)
    )
    if db.session.get_bind().dialect.name != "postgresql":
        assert vector is None  # SQLite reads the words themselves
        return
    assert "'装修'" in vector
    found = match(Ticket.search_tokens, Ticket.search_vector, query_words("装修"))
    assert found is not None
    db.session.execute(db.text("SET LOCAL enable_seqscan = off"))  # a tiny table: force the plan
    assert "ix_tickets_search" in query_plan(select(Ticket.id).where(found.where))
