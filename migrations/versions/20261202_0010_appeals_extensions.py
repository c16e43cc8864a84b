"""ticket_requests: who asked an extension (unit or inspector); rating appeals and their evidence

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("ticket_requests", schema=None) as batch_op:
        # Every request so far was a unit's own.
        batch_op.add_column(
            sa.Column("origin", sa.String(length=10), nullable=False, server_default="unit")
        )
        batch_op.add_column(sa.Column("evidence", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("rating_event_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_ticket_requests_rating_event_id_ticket_events"),
            "ticket_events",
            ["rating_event_id"],
            ["id"],
        )
        batch_op.create_index(
            "ix_ticket_requests_type_requested", ["type", "requested_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("ticket_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_requests_type_requested")
        batch_op.drop_constraint(
            batch_op.f("fk_ticket_requests_rating_event_id_ticket_events"), type_="foreignkey"
        )
        batch_op.drop_column("rating_event_id")
        batch_op.drop_column("evidence")
        batch_op.drop_column("origin")
