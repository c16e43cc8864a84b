"""Migration 0020 turns today's flat list with its `group` strings into a tree: one group node
per string (a deterministic code), the categories under it with their ids and codes kept; the
downgrade gives the strings back. Run on a database of its own, filled as 0019 left it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import downgrade, upgrade

from hotline.core.extensions import db
from tests.support.migrations import MIGRATIONS, app_on_empty_database

T0 = "2026-10-12 02:00:00+00"
MARKET = "grp-" + hashlib.md5("市场监管".encode()).hexdigest()[:8]


@pytest.fixture
def old_app(tmp_path: Path) -> Iterator[Flask]:
    with app_on_empty_database(tmp_path) as app:
        yield app


def _fill_as_0019_left_it(conn: sa.Connection) -> None:
    conn.execute(
        sa.text(
            'INSERT INTO categories (id, code, name, "group", kind, active) VALUES'
            " (7, 'food_safety', '食品安全', '市场监管', 'complaint', true),"
            " (8, 'price_fraud', '价格欺诈', '市场监管', 'complaint', true),"
            " (9, 'invoice', '发票问题', '税务', 'consultation', true),"
            " (10, 'other', '其他诉求', NULL, 'help', true)"
        )
    )
    conn.execute(
        sa.text(
            "INSERT INTO tickets (id, number, channel, kind, priority, status, disclose_identity,"
            " confidential, description, locale, overdue, reopen_count, version, created_at,"
            " updated_at, publish_consent, category_id) VALUES (1, '20261012-000001', 'phone',"
            " 'complaint', 'normal', 'new', false, false, '饭店卖过期食品', 'zh_CN', false, 0, 1,"
            " :t, :t, false, 7)"
        ),
        {"t": T0},
    )


def _tree(conn: sa.Connection) -> dict[str, tuple]:
    rows = conn.execute(
        sa.text(
            "SELECT c.code, c.id, p.code, c.name, c.kind FROM categories c"
            " LEFT JOIN categories p ON p.id = c.parent_id"
        )
    ).all()
    return {code: (cid, parent, name, kind) for code, cid, parent, name, kind in rows}


def test_group_strings_become_group_nodes_and_come_back_on_downgrade(old_app) -> None:
    with old_app.app_context():
        upgrade(directory=MIGRATIONS, revision="0019")
        with db.engine.begin() as conn:
            _fill_as_0019_left_it(conn)

        upgrade(directory=MIGRATIONS, revision="0020")
        with db.engine.connect() as conn:
            tree = _tree(conn)
            assert tree["food_safety"] == (7, MARKET, "食品安全", "complaint")
            assert tree["price_fraud"][:2] == (8, MARKET)
            assert tree["other"][:2] == (10, None)
            assert tree[MARKET][1:] == (None, "市场监管", "complaint")
            tax = "grp-" + hashlib.md5("税务".encode()).hexdigest()[:8]
            assert tree[tax][1:] == (None, "税务", "consultation")
            assert tree["invoice"][1] == tax
            assert len(tree) == 6
            assert conn.scalar(sa.text("SELECT category_id FROM tickets WHERE id = 1")) == 7
            columns = {c["name"] for c in sa.inspect(conn).get_columns("categories")}
            assert "group" not in columns

        downgrade(directory=MIGRATIONS, revision="0019")
        with db.engine.connect() as conn:
            rows = conn.execute(sa.text('SELECT code, "group" FROM categories ORDER BY id')).all()
            assert [tuple(r) for r in rows] == [
                ("food_safety", "市场监管"),
                ("price_fraud", "市场监管"),
                ("invoice", "税务"),
                ("other", None),
            ]

        upgrade(directory=MIGRATIONS, revision="0020")  # again: the same codes, nothing doubled
        with db.engine.connect() as conn:
            tree = _tree(conn)
            assert len(tree) == 6
            assert tree["food_safety"][1] == MARKET
