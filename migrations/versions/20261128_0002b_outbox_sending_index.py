"""outbox: partial index on rows in `sending`, for the stuck-send check

Revision ID: 0002b
Revises: 0001
Create Date: 2026-11-28 08:55:00
"""

from alembic import op
import sqlalchemy as sa

revision = "0002b"
down_revision = "0001"
branch_labels = None
depends_on = None

WHERE = sa.text("status = 'sending'")


def upgrade():
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbox_sending",
            ["next_attempt_at"],
            unique=False,
            postgresql_where=WHERE,
            sqlite_where=WHERE,
        )


def downgrade():
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_sending", postgresql_where=WHERE, sqlite_where=WHERE)
