"""negative lists (负面清单) with milestones and history; public commitments (承诺), breaches, years

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 11:00:00

- negative_list_items / negative_list_milestones / negative_list_events: each unit's list, its
  plan's milestones and an append-only history. Open milestones are indexed by their due
  instant (partial indexes WHERE done_at IS NULL), so the overdue list reads only those.
- commitments / commitment_breaches / commitment_years / commitment_events: public commitments,
  the tickets or spot-check findings that break them (finding_id has no foreign key: the
  inspections table comes in its own revision), each year's verdict once written, and history.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

OPEN = "done_at IS NULL"


def upgrade():
    op.create_table(
        "commitments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("staff_name", sa.String(length=60), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("measure", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retired_by", sa.Integer(), nullable=True),
        sa.Column("retire_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_commitments_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["retired_by"], ["users.id"], name=op.f("fk_commitments_retired_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_commitments_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitments")),
    )
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.create_index("ix_commitments_unit_status", ["unit_id", "status"], unique=False)

    op.create_table(
        "negative_list_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("measures", sa.Text(), nullable=True),
        sa.Column("responsible_person", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_by", sa.Integer(), nullable=True),
        sa.Column("returned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("return_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_by"], ["users.id"], name=op.f("fk_negative_list_items_approved_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_negative_list_items_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_negative_list_items_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_negative_list_items")),
    )
    with op.batch_alter_table("negative_list_items", schema=None) as batch_op:
        batch_op.create_index(
            "ix_negative_list_items_unit_status", ["unit_id", "status"], unique=False
        )

    op.create_table(
        "commitment_breaches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("finding_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_commitment_breaches_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitments.id"],
            name=op.f("fk_commitment_breaches_commitment_id_commitments"),
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_commitment_breaches_ticket_id_tickets"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_commitment_breaches_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitment_breaches")),
        sa.UniqueConstraint(
            "commitment_id",
            "finding_id",
            name=op.f("uq_commitment_breaches_commitment_id_finding_id"),
        ),
        sa.UniqueConstraint(
            "commitment_id",
            "ticket_id",
            name=op.f("uq_commitment_breaches_commitment_id_ticket_id"),
        ),
    )
    with op.batch_alter_table("commitment_breaches", schema=None) as batch_op:
        batch_op.create_index(
            "ix_commitment_breaches_unit_occurred", ["unit_id", "occurred_at"], unique=False
        )

    op.create_table(
        "commitment_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=30), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(length=60), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_commitment_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitments.id"],
            name=op.f("fk_commitment_events_commitment_id_commitments"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_commitment_events_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitment_events")),
    )
    with op.batch_alter_table("commitment_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_commitment_events_commitment_at", ["commitment_id", "at"], unique=False
        )

    op.create_table(
        "commitment_years",
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kept", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitments.id"],
            name=op.f("fk_commitment_years_commitment_id_commitments"),
        ),
        sa.PrimaryKeyConstraint("commitment_id", "year", name=op.f("pk_commitment_years")),
    )
    op.create_table(
        "negative_list_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=30), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(length=60), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_negative_list_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["negative_list_items.id"],
            name=op.f("fk_negative_list_events_item_id_negative_list_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_negative_list_events_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_negative_list_events")),
    )
    with op.batch_alter_table("negative_list_events", schema=None) as batch_op:
        batch_op.create_index("ix_negative_list_events_item_at", ["item_id", "at"], unique=False)
        batch_op.create_index("ix_negative_list_events_unit_at", ["unit_id", "at"], unique=False)

    op.create_table(
        "negative_list_milestones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=500), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by", sa.Integer(), nullable=True),
        sa.Column("done_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["done_by"], ["users.id"], name=op.f("fk_negative_list_milestones_done_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["negative_list_items.id"],
            name=op.f("fk_negative_list_milestones_item_id_negative_list_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_negative_list_milestones_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_negative_list_milestones")),
    )
    with op.batch_alter_table("negative_list_milestones", schema=None) as batch_op:
        batch_op.create_index("ix_negative_list_milestones_item_id", ["item_id"], unique=False)
        batch_op.create_index(
            "ix_negative_list_milestones_open_due",
            ["due_at"],
            unique=False,
            postgresql_where=sa.text(OPEN),
            sqlite_where=sa.text(OPEN),
        )
        batch_op.create_index(
            "ix_negative_list_milestones_unit_due", ["unit_id", "due"], unique=False
        )
        batch_op.create_index(
            "ix_negative_list_milestones_unit_open_due",
            ["unit_id", "due_at"],
            unique=False,
            postgresql_where=sa.text(OPEN),
            sqlite_where=sa.text(OPEN),
        )


def downgrade():
    with op.batch_alter_table("negative_list_milestones", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_negative_list_milestones_unit_open_due",
            postgresql_where=sa.text(OPEN),
            sqlite_where=sa.text(OPEN),
        )
        batch_op.drop_index("ix_negative_list_milestones_unit_due")
        batch_op.drop_index(
            "ix_negative_list_milestones_open_due",
            postgresql_where=sa.text(OPEN),
            sqlite_where=sa.text(OPEN),
        )
        batch_op.drop_index("ix_negative_list_milestones_item_id")

    op.drop_table("negative_list_milestones")
    with op.batch_alter_table("negative_list_events", schema=None) as batch_op:
        batch_op.drop_index("ix_negative_list_events_unit_at")
        batch_op.drop_index("ix_negative_list_events_item_at")

    op.drop_table("negative_list_events")
    op.drop_table("commitment_years")
    with op.batch_alter_table("commitment_events", schema=None) as batch_op:
        batch_op.drop_index("ix_commitment_events_commitment_at")

    op.drop_table("commitment_events")
    with op.batch_alter_table("commitment_breaches", schema=None) as batch_op:
        batch_op.drop_index("ix_commitment_breaches_unit_occurred")

    op.drop_table("commitment_breaches")
    with op.batch_alter_table("negative_list_items", schema=None) as batch_op:
        batch_op.drop_index("ix_negative_list_items_unit_status")

    op.drop_table("negative_list_items")
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.drop_index("ix_commitments_unit_status")

    op.drop_table("commitments")
