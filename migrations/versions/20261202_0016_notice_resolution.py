"""notices: a notice that asked for a decision is resolved for everyone once someone decides

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 09:00:00

A request "to decide" goes to a role (every supervisor, every inspector); when one of them
decides it, every copy shows who decided and stops counting as unread.
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("resolved_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("resolved_by", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("resolution", sa.String(length=20), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_notices_resolved_by_id_users"),
            "users",
            ["resolved_by_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_notices_resolved_by_id_users"), type_="foreignkey")
        batch_op.drop_column("resolution")
        batch_op.drop_column("resolved_by")
        batch_op.drop_column("resolved_by_id")
        batch_op.drop_column("resolved_at")
