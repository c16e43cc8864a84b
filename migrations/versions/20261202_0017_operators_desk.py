"""operator's desk: call records, operator presence, recordings, callback attempts

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 09:00:00

Every inbound call is recorded (offered, answered by whom, abandoned) so the hotline service
figures can be counted and recounted; operators have a softphone state; Twilio's recordings get
their own rows (the URL stays on the server); a missed call keeps its reason and attempts.
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade():
    with op.batch_alter_table("callback_tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reason", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("last_attempt_at", TS, nullable=True))
    # Earlier rows kept the reason at the start of their note.
    op.execute(
        "UPDATE callback_tasks SET reason = CASE"
        " WHEN note LIKE 'out of hours%' THEN 'closed'"
        " WHEN note LIKE 'caller ID withheld%' THEN 'no_caller_id'"
        " WHEN note LIKE 'queue: hangup%' THEN 'abandoned'"
        " WHEN note LIKE 'queue:%' THEN 'timeout'"
        " WHEN note LIKE 'speech%' THEN 'speech'"
        " ELSE NULL END"
    )

    op.create_table(
        "callback_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("reached", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("call_sid", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["callback_tasks.id"],
            name=op.f("fk_callback_attempts_task_id_callback_tasks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["by_id"],
            ["users.id"],
            name=op.f("fk_callback_attempts_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_callback_attempts")),
    )
    op.create_index(op.f("ix_callback_attempts_task_id"), "callback_attempts", ["task_id"])

    op.create_table(
        "call_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_sid", sa.String(length=64), nullable=False),
        sa.Column("from_phone", sa.String(length=20), nullable=True),
        sa.Column("offered_at", TS, nullable=False),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("queued_at", TS, nullable=True),
        sa.Column("answered_at", TS, nullable=True),
        sa.Column("ended_at", TS, nullable=True),
        sa.Column("wait_seconds", sa.Integer(), nullable=True),
        sa.Column("duration_seconds", sa.Integer(), nullable=True),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("operator_call_sid", sa.String(length=64), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["users.id"],
            name=op.f("fk_call_records_operator_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_call_records_ticket_id_tickets"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_records")),
        sa.UniqueConstraint("call_sid", name=op.f("uq_call_records_call_sid")),
    )
    op.create_index("ix_call_records_offered_at", "call_records", ["offered_at"])
    op.create_index(op.f("ix_call_records_operator_id"), "call_records", ["operator_id"])
    op.create_index(
        op.f("ix_call_records_operator_call_sid"), "call_records", ["operator_call_sid"]
    )

    op.create_table(
        "operator_presence",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("changed_at", TS, nullable=False),
        sa.Column("call_sid", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_operator_presence_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_operator_presence")),
    )

    op.create_table(
        "call_recordings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recording_sid", sa.String(length=64), nullable=False),
        sa.Column("call_sid", sa.String(length=64), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("duration_seconds", sa.Integer(), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("callback_task_id", sa.Integer(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_call_recordings_ticket_id_tickets"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["callback_task_id"],
            ["callback_tasks.id"],
            name=op.f("fk_call_recordings_callback_task_id_callback_tasks"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_recordings")),
        sa.UniqueConstraint("recording_sid", name=op.f("uq_call_recordings_recording_sid")),
    )
    op.create_index(op.f("ix_call_recordings_call_sid"), "call_recordings", ["call_sid"])
    op.create_index(op.f("ix_call_recordings_ticket_id"), "call_recordings", ["ticket_id"])


def downgrade():
    op.drop_table("call_recordings")
    op.drop_table("operator_presence")
    op.drop_table("call_records")
    op.drop_table("callback_attempts")
    with op.batch_alter_table("callback_tasks", schema=None) as batch_op:
        batch_op.drop_column("last_attempt_at")
        batch_op.drop_column("attempts")
        batch_op.drop_column("reason")
