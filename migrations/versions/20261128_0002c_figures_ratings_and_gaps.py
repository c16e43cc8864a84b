"""figures: ratings by level, closed-unrated count, roll-up cursor gaps

Revision ID: 0002c
Revises: 0001
Create Date: 2026-11-28 08:40:00
"""

from alembic import op
import sqlalchemy as sa

revision = "0002c"
down_revision = "0002b"
branch_labels = None
depends_on = None

RATING_COLUMNS = ("rating_1", "rating_2", "rating_3", "rating_4", "rating_5", "closed_unrated")


def upgrade():
    with op.batch_alter_table("unit_day_figures", schema=None) as batch_op:
        for name in RATING_COLUMNS:
            batch_op.add_column(
                sa.Column(name, sa.Integer(), nullable=False, server_default="0")
            )
    with op.batch_alter_table("rollup_cursor", schema=None) as batch_op:
        batch_op.add_column(sa.Column("gaps", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("rollup_cursor", schema=None) as batch_op:
        batch_op.drop_column("gaps")
    with op.batch_alter_table("unit_day_figures", schema=None) as batch_op:
        for name in reversed(RATING_COLUMNS):
            batch_op.drop_column(name)
