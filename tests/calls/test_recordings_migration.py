"""Migration 0019 moves Twilio recording URLs out of what pages and the API show (tickets'
media, `recording_attached` events, callback notes) into call_recordings, and back on a
downgrade. Run on a database of its own, built up to 0017 and filled as the old code left it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import downgrade, upgrade

from hotline.core.extensions import db
from tests.support.migrations import MIGRATIONS, app_on_empty_database

CALL = "CA" + "a" * 32
SID = "RE" + "b" * 32
URL = f"https://api.twilio.com/2010-04-01/Accounts/AC{'1' * 32}/Recordings/{SID}"
PHOTO = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"
EARLY_CALL = "CA" + "c" * 32
EARLY_SID = "RE" + "d" * 32
EARLY_URL = f"https://api.twilio.com/2010-04-01/Accounts/AC{'1' * 32}/Recordings/{EARLY_SID}"
T0 = "2026-10-12 02:00:00+00"


@pytest.fixture
def old_app(tmp_path: Path) -> Iterator[Flask]:
    with app_on_empty_database(tmp_path) as app:
        yield app


def _fill_as_0017_left_it(conn: sa.Connection) -> None:
    """A spoken ticket whose recording the old webhook put into media and its event, next to
    an MMS photo; and a call whose recording came with no ticket, kept in the task's note."""
    conn.execute(
        sa.text(
            "INSERT INTO tickets (id, number, channel, kind, priority, status, disclose_identity,"
            " confidential, description, locale, overdue, reopen_count, version, created_at,"
            " updated_at, publish_consent, media, complainant_phone) VALUES (1, '20261012-000001',"
            " 'phone', 'complaint', 'normal', 'new', false, false, '下水道堵了', 'zh_CN', false,"
            " 0, 1, :t, :t, false, :media, '+8613812345678')"
        ),
        {"t": T0, "media": json.dumps([PHOTO, URL])},
    )
    conn.execute(
        sa.text(
            "INSERT INTO ticket_events (ticket_id, type, at, data) VALUES"
            " (1, 'recording_attached', :t, :data)"
        ),
        {"t": T0, "data": json.dumps({"url": URL, "recording_sid": SID})},
    )
    conn.execute(
        sa.text(
            "INSERT INTO callback_tasks (id, phone, call_sid, ticket_id, status, note, created_at,"
            " attempts) VALUES (1, '+8613812345678', :call, 1, 'open', 'speech', :t, 0),"
            " (2, '+8613900001111', :early, NULL, 'open', :note, :t, 0)"
        ),
        {"t": T0, "call": CALL, "early": EARLY_CALL, "note": f"queue: hangup\n录音 {EARLY_URL}"},
    )
    conn.execute(
        sa.text(
            "INSERT INTO webhook_deliveries (key, ticket_id, response, created_at) VALUES"
            " (:k1, 1, :u1, :t), (:k2, NULL, :u2, :t)"
        ),
        {
            "t": T0,
            "k1": f"recording:{CALL}:{SID}",
            "u1": URL,
            "k2": f"recording:{EARLY_CALL}:{EARLY_SID}",
            "u2": EARLY_URL,
        },
    )


def _media(conn: sa.Connection) -> list:
    raw = conn.scalar(sa.text("SELECT media FROM tickets WHERE id = 1"))
    return json.loads(raw) if isinstance(raw, str) else raw


def test_recording_urls_leave_tickets_events_and_notes_and_come_back_on_downgrade(old_app):
    with old_app.app_context():
        upgrade(directory=MIGRATIONS, revision="0017")
        with db.engine.begin() as conn:
            _fill_as_0017_left_it(conn)

        upgrade(directory=MIGRATIONS, revision="0019")
        with db.engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT recording_sid, call_sid, url, ticket_id, callback_task_id"
                    " FROM call_recordings ORDER BY recording_sid"
                )
            ).all()
            assert [tuple(r) for r in rows] == [
                (SID, CALL, URL, 1, 1),  # linked to the call's task too (the missed list)
                (EARLY_SID, EARLY_CALL, EARLY_URL, None, 2),
            ]
            assert _media(conn) == [PHOTO]  # the MMS photo stays
            data = conn.scalar(sa.text("SELECT data FROM ticket_events WHERE ticket_id = 1"))
            data = json.loads(data) if isinstance(data, str) else data
            assert data == {"recording_sid": SID, "duration_seconds": None}
            notes = conn.execute(sa.text("SELECT note FROM callback_tasks ORDER BY id")).all()
            assert [n for (n,) in notes] == ["speech", "queue: hangup"]
            answers = conn.execute(
                sa.text("SELECT response FROM webhook_deliveries ORDER BY id")
            ).all()
            assert [a for (a,) in answers] == [SID, EARLY_SID]
            dump = " ".join(
                str(v)
                for table in ("tickets", "ticket_events", "callback_tasks", "webhook_deliveries")
                for row in conn.execute(sa.text(f"SELECT * FROM {table}")).all()
                for v in row
            )
            assert "/Recordings/" not in dump

        downgrade(directory=MIGRATIONS, revision="0017")
        with db.engine.connect() as conn:
            assert _media(conn) == [PHOTO, URL]
            data = conn.scalar(sa.text("SELECT data FROM ticket_events WHERE ticket_id = 1"))
            data = json.loads(data) if isinstance(data, str) else data
            assert data["url"] == URL
            note = conn.scalar(sa.text("SELECT note FROM callback_tasks WHERE id = 2"))
            assert note == f"queue: hangup\n录音 {EARLY_URL}"

        upgrade(directory=MIGRATIONS, revision="0019")  # again: nothing doubled
        with db.engine.connect() as conn:
            assert conn.scalar(sa.text("SELECT count(*) FROM call_recordings")) == 2
            assert _media(conn) == [PHOTO]
