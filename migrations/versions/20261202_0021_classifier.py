"""classifier: trained text models for the automatic classification of untagged tickets

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 13:00:00

`flask classify train` and the retrain job store each fitted model (jieba words → TF-IDF →
logistic regression) with its sample count, held-out accuracy and labels; the newest active row
is the one every worker loads (hotline/classify/store.py).
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "classifier_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trained_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("n_samples", sa.Integer(), nullable=False),
        sa.Column("holdout_accuracy", sa.Float(), nullable=True),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.Column("blob", sa.LargeBinary(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_classifier_models")),
    )
    op.create_index(
        "ix_classifier_models_active",
        "classifier_models",
        ["id"],
        unique=False,
        postgresql_where=sa.text("active"),
        sqlite_where=sa.text("active"),
    )


def downgrade():
    op.drop_index("ix_classifier_models_active", table_name="classifier_models")
    op.drop_table("classifier_models")
