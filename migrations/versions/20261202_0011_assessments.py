"""assessments: the weights admins set per year and the finalised, versioned results

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 12:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "assessment_weights",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("weights", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["users.id"], name=op.f("fk_assessment_weights_updated_by_users")
        ),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_assessment_weights")),
    )
    op.create_table(
        "assessment_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("finalised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finalised_by", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["finalised_by"], ["users.id"], name=op.f("fk_assessment_versions_finalised_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_versions")),
        sa.UniqueConstraint(
            "year", "version", name=op.f("uq_assessment_versions_year_version")
        ),
    )


def downgrade():
    op.drop_table("assessment_versions")
    op.drop_table("assessment_weights")
