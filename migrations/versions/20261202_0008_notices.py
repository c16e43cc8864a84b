"""notices: the in-app inbox (per-user read marks), the ladder's pending notices, undelivered SMS

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 09:00:00

In-app notices used to be outbox rows with channel "inapp" that no page showed; they stay where
they are (nobody ever saw them, so they are not brought into anyone's inbox as new).
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

UNDELIVERED = "status IN ('failed', 'undelivered')"


def upgrade():
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(length=40), nullable=False),
        sa.Column("template", sa.String(length=40), nullable=False),
        sa.Column("params", sa.JSON(), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("escalation_id", sa.Integer(), nullable=True),
        sa.Column("interview_id", sa.Integer(), nullable=True),
        sa.Column("dedupe_key", sa.String(length=120), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_notices_dedupe_key")),
    )
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.create_index("ix_notices_audience_id", ["audience", "id"], unique=False)
    op.create_table(
        "notice_reads",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["notices.id"],
            name=op.f("fk_notice_reads_notice_id_notices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notice_reads_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "notice_id", name=op.f("pk_notice_reads")),
    )
    op.create_table(
        "notice_cursors",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("read_upto", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notice_cursors_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_notice_cursors")),
    )
    op.create_table(
        "ladder_notices_pending",
        sa.Column("escalation_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=15), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("due", sa.DateTime(timezone=True), nullable=True),
        sa.Column("overdue_days", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["escalation_id"],
            ["escalations.id"],
            name=op.f("fk_ladder_notices_pending_escalation_id_escalations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("escalation_id", name=op.f("pk_ladder_notices_pending")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbox_undelivered",
            ["id"],
            unique=False,
            postgresql_where=sa.text(UNDELIVERED),
            sqlite_where=sa.text(UNDELIVERED),
        )


def downgrade():
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_undelivered")
    op.drop_table("ladder_notices_pending")
    op.drop_table("notice_cursors")
    op.drop_table("notice_reads")
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.drop_index("ix_notices_audience_id")
    op.drop_table("notices")
