"""partial index for replied tickets awaiting a rating

Revision ID: 0003
Revises: 0002c
Create Date: 2026-11-28 09:15:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002c"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_rating_due_at")
        batch_op.create_index(
            "ix_tickets_rating_due_replied",
            ["rating_due_at"],
            unique=False,
            postgresql_where=sa.text("status = 'replied'"),
            sqlite_where=sa.text("status = 'replied'"),
        )


def downgrade():
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_tickets_rating_due_replied",
            postgresql_where=sa.text("status = 'replied'"),
            sqlite_where=sa.text("status = 'replied'"),
        )
        batch_op.create_index("ix_tickets_rating_due_at", ["rating_due_at"], unique=False)
