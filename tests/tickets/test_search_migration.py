"""Migration 0022 adds the ticket search's words and vector to a filled database without
touching the tickets; `reindex` then fills them; the downgrade takes them away again. Run on a
database of its own (PostgreSQL when the run uses it)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from hotline.core.extensions import db
from hotline.tickets import search
from tests.calls.test_recordings_migration import old_app  # noqa: F401 - the fixture

MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")
T0 = "2026-10-12 02:00:00+00"


def _columns() -> set[str]:
    return {c["name"] for c in sa.inspect(db.engine).get_columns("tickets")}


def test_the_upgrade_adds_empty_words_reindex_fills_them_downgrade_drops_them(old_app):  # noqa: F811
    with old_app.app_context():
        upgrade(directory=MIGRATIONS, revision="0019")
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO tickets (id, number, channel, kind, priority, status,"
                    " disclose_identity, confidential, description, address, locale, overdue,"
                    " reopen_count, version, created_at, updated_at, publish_consent)"
                    " VALUES (1, '20261012-000001', 'phone', 'complaint', 'normal', 'closed',"
                    " false, false, '下水道堵塞污水外溢', '幸福路12号', 'zh_CN', false, 0, 3,"
                    " :t, :t, false)"
                ),
                {"t": T0},
            )
        upgrade(directory=MIGRATIONS, revision="head")
        assert {"search_tokens", "search_vector"} <= _columns()
        indexes = {i["name"] for i in sa.inspect(db.engine).get_indexes("tickets")}
        assert {"ix_tickets_search", "ix_tickets_unindexed"} <= indexes
        assert db.session.scalar(sa.text("SELECT search_tokens FROM tickets")) is None

        assert search.reindex(commit=db.session.commit) == 1
        words, version = db.session.execute(
            sa.text("SELECT search_tokens, version FROM tickets WHERE id = 1")
        ).one()
        assert "下水道" in words.split()
        assert "幸福" in words.split()
        assert version == 3  # the ticket as clients know it is unchanged
        if db.engine.dialect.name == "postgresql":
            method, options = db.session.execute(
                sa.text(
                    "SELECT am.amname, c.reloptions FROM pg_class c"
                    " JOIN pg_am am ON am.oid = c.relam WHERE c.relname = 'ix_tickets_search'"
                )
            ).one()
            assert method == "gin"
            assert options == ["fastupdate=off"]
        db.session.commit()

        downgrade(directory=MIGRATIONS, revision="0019")
        assert not {"search_tokens", "search_vector"} & _columns()
        assert db.session.scalar(sa.text("SELECT description FROM tickets")) == "下水道堵塞污水外溢"
