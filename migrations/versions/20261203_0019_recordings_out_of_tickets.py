"""recordings: Twilio recording URLs move out of tickets' media, events and callback notes

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 10:00:00

The voice webhook used to put a recording's Twilio URL into the ticket's media, its
`recording_attached` event and, for a call without a ticket, the callback task's note; from
there the API and the pages showed it. Each recording becomes a call_recordings row (played
through the staff proxy); the ticket keeps its other media, the event keeps the recording's
sid, the note loses its "录音 <url>" line, and the webhook's stored answer becomes the sid.
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
RECORDING_URL = re.compile(
    r"^https://api\.twilio\.com/\S*/Recordings/(RE[0-9A-Za-z]{1,62})(?:\.(?:mp3|wav))?$"
)
NOTE_LINE = re.compile(r"^录音 (\S+)$")

tickets = sa.table(
    "tickets", sa.column("id", sa.Integer), sa.column("media", sa.JSON), sa.column("created_at", TS)
)
events = sa.table(
    "ticket_events",
    sa.column("id", sa.Integer),
    sa.column("ticket_id", sa.Integer),
    sa.column("type", sa.String),
    sa.column("at", TS),
    sa.column("data", sa.JSON),
)
tasks = sa.table(
    "callback_tasks",
    sa.column("id", sa.Integer),
    sa.column("call_sid", sa.String),
    sa.column("note", sa.Text),
    sa.column("created_at", TS),
)
deliveries = sa.table(
    "webhook_deliveries",
    sa.column("id", sa.Integer),
    sa.column("key", sa.String),
    sa.column("response", sa.Text),
    sa.column("created_at", TS),
)
recordings = sa.table(
    "call_recordings",
    sa.column("id", sa.Integer),
    sa.column("recording_sid", sa.String),
    sa.column("call_sid", sa.String),
    sa.column("url", sa.Text),
    sa.column("duration_seconds", sa.Integer),
    sa.column("ticket_id", sa.Integer),
    sa.column("callback_task_id", sa.Integer),
    sa.column("created_at", TS),
)


def _sid(url):
    match = RECORDING_URL.match(url) if isinstance(url, str) else None
    return match.group(1) if match else None


def upgrade():
    conn = op.get_bind()
    # The recording webhook's deliveries are keyed "recording:<CallSid>:<RecordingSid>".
    heard = {}
    for row in conn.execute(
        sa.select(deliveries.c.id, deliveries.c.key, deliveries.c.response, deliveries.c.created_at)
        .where(deliveries.c.key.like("recording:%"))
    ).all():
        _, call_sid, sid = row.key.split(":", 2)
        heard[sid] = (call_sid, row.created_at)
        if _sid(row.response):
            conn.execute(
                sa.update(deliveries).where(deliveries.c.id == row.id).values(response=sid)
            )
    task_of_call = {
        call_sid: task_id
        for call_sid, task_id in conn.execute(
            sa.select(tasks.c.call_sid, tasks.c.id).where(tasks.c.call_sid.is_not(None))
        ).all()
    }
    kept = set(conn.scalars(sa.select(recordings.c.recording_sid)))

    def keep(sid, url, *, at, ticket_id=None, task_id=None):
        if sid in kept:
            return
        kept.add(sid)
        call_sid, delivered = heard.get(sid, ("", None))
        conn.execute(
            sa.insert(recordings).values(
                recording_sid=sid,
                call_sid=call_sid,
                url=url,
                duration_seconds=None,
                ticket_id=ticket_id,
                callback_task_id=task_id or task_of_call.get(call_sid),
                created_at=at or delivered,
            )
        )

    attached = {}  # (ticket id, sid) → when the event says it was attached
    for row in conn.execute(
        sa.select(events.c.id, events.c.ticket_id, events.c.at, events.c.data).where(
            events.c.type == "recording_attached"
        )
    ).all():
        data = dict(row.data or {})
        url = data.pop("url", None)
        sid = data.get("recording_sid") or _sid(url)
        attached[(row.ticket_id, sid)] = row.at
        if url is not None:
            data.setdefault("recording_sid", sid)
            data.setdefault("duration_seconds", None)
            conn.execute(sa.update(events).where(events.c.id == row.id).values(data=data))

    for row in conn.execute(
        sa.select(tickets.c.id, tickets.c.media, tickets.c.created_at).where(
            sa.cast(tickets.c.media, sa.Text).like("%/Recordings/%")
        )
    ).all():
        media = [m for m in row.media or [] if not _sid(m)]
        for url in row.media or []:
            if sid := _sid(url):
                at = attached.get((row.id, sid)) or row.created_at
                keep(sid, url, at=at, ticket_id=row.id)
        conn.execute(
            sa.update(tickets)
            .where(tickets.c.id == row.id)
            .values(media=media if media else sa.null())
        )

    for row in conn.execute(
        sa.select(tasks.c.id, tasks.c.note, tasks.c.created_at).where(
            tasks.c.note.like("%录音 http%")
        )
    ).all():
        lines = []
        for line in row.note.splitlines():
            match = NOTE_LINE.match(line.strip())
            sid = _sid(match.group(1)) if match else None
            if sid:
                keep(sid, match.group(1), at=row.created_at, task_id=row.id)
            else:
                lines.append(line)
        note = "\n".join(lines).strip() or None
        conn.execute(sa.update(tasks).where(tasks.c.id == row.id).values(note=note))


def downgrade():
    # Put the URLs back where the code of 0017 reads them; the rows stay (0017 has the table).
    conn = op.get_bind()
    rows = list(
        conn.execute(
            sa.select(
                recordings.c.recording_sid,
                recordings.c.call_sid,
                recordings.c.url,
                recordings.c.ticket_id,
                recordings.c.callback_task_id,
            )
        )
    )
    for rec in rows:
        conn.execute(
            sa.update(deliveries)
            .where(deliveries.c.key == f"recording:{rec.call_sid}:{rec.recording_sid}")
            .values(response=rec.url)
        )
        if rec.ticket_id is not None:
            media = conn.scalar(sa.select(tickets.c.media).where(tickets.c.id == rec.ticket_id))
            media = list(media or [])
            if rec.url not in media:
                conn.execute(
                    sa.update(tickets)
                    .where(tickets.c.id == rec.ticket_id)
                    .values(media=[*media, rec.url])
                )
            for event in conn.execute(
                sa.select(events.c.id, events.c.data).where(
                    events.c.ticket_id == rec.ticket_id, events.c.type == "recording_attached"
                )
            ).all():
                data = dict(event.data or {})
                if data.get("recording_sid") == rec.recording_sid and "url" not in data:
                    data["url"] = rec.url
                    conn.execute(sa.update(events).where(events.c.id == event.id).values(data=data))
        elif rec.callback_task_id is not None:
            note = conn.scalar(sa.select(tasks.c.note).where(tasks.c.id == rec.callback_task_id))
            line = f"录音 {rec.url}"
            if line not in (note or ""):
                note = f"{note or ''}\n{line}".strip()
                conn.execute(
                    sa.update(tasks).where(tasks.c.id == rec.callback_task_id).values(note=note)
                )
