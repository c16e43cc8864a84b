"""escalation_answers (the head's answer to a 督办), interview_reasons, the head's commitment

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 09:00:00

- escalation_answers: one row per supervision escalation reached from now on, with the answer's
  due; the partial index holds only the answers still awaited. Supervision escalations reached
  before this revision get their row when the head answers (no due is invented for them, so
  none of them is recorded as missing).
- interview_reasons: every trigger of an interview case; each existing case gets its opening
  trigger. Rule keys stay unique here, since later triggers join an open case.
- interview_cases.committed_at/committed_by: the head's own commitment. Cases held before this
  revision carried the commitment typed at the hearing; it stands as committed (at held_at), so
  a case under way is not stopped short of its rectification.
- interview_cases.rejected_at/rejection_reason: evidence an inspector sent back.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

AWAITED = "answered_at IS NULL AND missed_at IS NULL"


def upgrade():
    op.create_table(
        "escalation_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("escalation_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("plan_due", sa.Date(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by", sa.Integer(), nullable=True),
        sa.Column("missed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["answered_by"], ["users.id"], name=op.f("fk_escalation_answers_answered_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["escalation_id"],
            ["escalations.id"],
            name=op.f("fk_escalation_answers_escalation_id_escalations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_escalation_answers_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_escalation_answers_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalation_answers")),
        sa.UniqueConstraint("escalation_id", name=op.f("uq_escalation_answers_escalation_id")),
    )
    with op.batch_alter_table("escalation_answers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_escalation_answers_awaited_due",
            ["due_at"],
            unique=False,
            postgresql_where=sa.text(AWAITED),
            sqlite_where=sa.text(AWAITED),
        )

    op.create_table(
        "interview_reasons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("trigger", sa.String(length=30), nullable=False),
        sa.Column("trigger_key", sa.String(length=80), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interview_cases.id"],
            name=op.f("fk_interview_reasons_interview_id_interview_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_interview_reasons_ticket_id_tickets"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview_reasons")),
        sa.UniqueConstraint("trigger_key", name=op.f("uq_interview_reasons_trigger_key")),
    )
    with op.batch_alter_table("interview_reasons", schema=None) as batch_op:
        batch_op.create_index(
            "ix_interview_reasons_interview_id", ["interview_id"], unique=False
        )
    op.execute(
        "INSERT INTO interview_reasons (interview_id, trigger, trigger_key, reason, added_at) "
        "SELECT id, trigger, trigger_key, COALESCE(reason, trigger), opened_at "
        "FROM interview_cases ORDER BY id"
    )

    with op.batch_alter_table("interview_cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("committed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("committed_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("rejected_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("rejection_reason", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_interview_cases_committed_by_users"), "users", ["committed_by"], ["id"]
        )
    op.execute(
        "UPDATE interview_cases SET committed_at = held_at "
        "WHERE commitment IS NOT NULL AND held_at IS NOT NULL"
    )


def downgrade():
    with op.batch_alter_table("interview_cases", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_interview_cases_committed_by_users"), type_="foreignkey"
        )
        batch_op.drop_column("rejection_reason")
        batch_op.drop_column("rejected_at")
        batch_op.drop_column("committed_by")
        batch_op.drop_column("committed_at")
    with op.batch_alter_table("interview_reasons", schema=None) as batch_op:
        batch_op.drop_index("ix_interview_reasons_interview_id")
    op.drop_table("interview_reasons")
    with op.batch_alter_table("escalation_answers", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_escalation_answers_awaited_due",
            postgresql_where=sa.text(AWAITED),
            sqlite_where=sa.text(AWAITED),
        )
    op.drop_table("escalation_answers")
