"""interview_cases: the inspector's approval to publish the rectification commitment (公开承诺)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 12:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("interview_cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("published_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("published_by", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_interview_cases_published_by_users"), "users", ["published_by"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("interview_cases", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_interview_cases_published_by_users"), type_="foreignkey"
        )
        batch_op.drop_column("published_by")
        batch_op.drop_column("published_at")
