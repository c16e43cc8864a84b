"""campaign inspections: spot checks (明察暗访) and special inspections, their findings, the unit
head's answers, evidence files and the history

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 12:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

AWAITING_OVERDUE = "status = 'open' AND overdue_at IS NULL"
AWAITING_INTERVIEW = "status = 'open' AND interview_id IS NULL"


def upgrade():
    op.create_table(
        "inspections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("inspector_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["inspector_id"], ["users.id"], name=op.f("fk_inspections_inspector_id_users")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_inspections_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspections")),
    )
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.create_index(
            "ix_inspections_status_visited_on", ["status", "visited_on"], unique=False
        )
        batch_op.create_index(
            "ix_inspections_unit_visited_on", ["unit_id", "visited_on"], unique=False
        )
    op.create_table(
        "inspection_findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("rectify_due", sa.Date(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rectified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rectified_on_time", sa.Boolean(), nullable=True),
        sa.Column("overdue_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("interview_id", sa.Integer(), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_inspection_findings_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interview_cases.id"],
            name=op.f("fk_inspection_findings_interview_id_interview_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_inspection_findings_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_findings")),
    )
    with op.batch_alter_table("inspection_findings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_inspection_findings_inspection_id", ["inspection_id"], unique=False
        )
        batch_op.create_index(
            "ix_inspection_findings_unit_due", ["unit_id", "rectify_due"], unique=False
        )
        batch_op.create_index(
            "ix_inspection_findings_awaiting_overdue",
            ["due_at"],
            unique=False,
            postgresql_where=sa.text(AWAITING_OVERDUE),
            sqlite_where=sa.text(AWAITING_OVERDUE),
        )
        batch_op.create_index(
            "ix_inspection_findings_awaiting_interview",
            ["due_at"],
            unique=False,
            postgresql_where=sa.text(AWAITING_INTERVIEW),
            sqlite_where=sa.text(AWAITING_INTERVIEW),
        )
    op.create_table(
        "finding_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_by", sa.Integer(), nullable=True),
        sa.Column("on_time", sa.Boolean(), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["users.id"], name=op.f("fk_finding_answers_decided_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["finding_id"],
            ["inspection_findings.id"],
            name=op.f("fk_finding_answers_finding_id_inspection_findings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by"], ["users.id"], name=op.f("fk_finding_answers_submitted_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding_answers")),
    )
    with op.batch_alter_table("finding_answers", schema=None) as batch_op:
        batch_op.create_index("ix_finding_answers_finding_id", ["finding_id"], unique=False)
    op.create_table(
        "inspection_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["finding_answers.id"],
            name=op.f("fk_inspection_files_answer_id_finding_answers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_inspection_files_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"], ["users.id"], name=op.f("fk_inspection_files_uploaded_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_files")),
        sa.UniqueConstraint("name", name=op.f("uq_inspection_files_name")),
    )
    with op.batch_alter_table("inspection_files", schema=None) as batch_op:
        batch_op.create_index(
            "ix_inspection_files_inspection_id", ["inspection_id"], unique=False
        )
    op.create_table(
        "inspection_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_inspection_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["finding_id"],
            ["inspection_findings.id"],
            name=op.f("fk_inspection_events_finding_id_inspection_findings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_inspection_events_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_inspection_events_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_events")),
    )
    with op.batch_alter_table("inspection_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_inspection_events_inspection_id", ["inspection_id", "id"], unique=False
        )
        batch_op.create_index("ix_inspection_events_unit_at", ["unit_id", "at"], unique=False)


def downgrade():
    op.drop_table("inspection_events")
    op.drop_table("inspection_files")
    op.drop_table("finding_answers")
    op.drop_table("inspection_findings")
    op.drop_table("inspections")
