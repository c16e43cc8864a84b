"""special supervisors (特邀监督员): appointments, monitoring stations (units.kind), who filed a
ticket (tickets.filed_by_id, tickets.station_id) and the indexes their lists and counts read

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 14:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("units", schema=None) as batch_op:
        # Every unit so far takes tickets.
        batch_op.add_column(
            sa.Column(
                "kind", sa.String(length=20), nullable=False, server_default="responsible"
            )
        )
    op.create_table(
        "supervisor_appointments",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("affiliation", sa.String(length=120), nullable=True),
        sa.Column("appointed_on", sa.Date(), nullable=False),
        sa.Column("term_ends_on", sa.Date(), nullable=True),
        sa.Column("appointed_by_id", sa.Integer(), nullable=True),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retired_by_id", sa.Integer(), nullable=True),
        sa.Column("retire_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_supervisor_appointments_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["appointed_by_id"],
            ["users.id"],
            name=op.f("fk_supervisor_appointments_appointed_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["retired_by_id"],
            ["users.id"],
            name=op.f("fk_supervisor_appointments_retired_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_supervisor_appointments")),
    )
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("filed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("station_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_tickets_filed_by_id_users", "users", ["filed_by_id"], ["id"]
        )
        batch_op.create_foreign_key("fk_tickets_station_id_units", "units", ["station_id"], ["id"])
        # Partial: only supervisors' tickets are in them, so other intakes do not pay for them.
        batch_op.create_index(
            "ix_tickets_filed_by_created",
            ["filed_by_id", "created_at"],
            unique=False,
            postgresql_where=sa.text("filed_by_id IS NOT NULL"),
            sqlite_where=sa.text("filed_by_id IS NOT NULL"),
        )
        batch_op.create_index(
            "ix_tickets_station_created",
            ["station_id", "created_at"],
            unique=False,
            postgresql_where=sa.text("station_id IS NOT NULL"),
            sqlite_where=sa.text("station_id IS NOT NULL"),
        )
        batch_op.create_index(
            "ix_tickets_supervisor_created",
            ["created_at"],
            unique=False,
            postgresql_where=sa.text("channel = 'supervisor'"),
            sqlite_where=sa.text("channel = 'supervisor'"),
        )


def downgrade():
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_supervisor_created")
        batch_op.drop_index("ix_tickets_station_created")
        batch_op.drop_index("ix_tickets_filed_by_created")
        batch_op.drop_constraint("fk_tickets_station_id_units", type_="foreignkey")
        batch_op.drop_constraint("fk_tickets_filed_by_id_users", type_="foreignkey")
        batch_op.drop_column("station_id")
        batch_op.drop_column("filed_by_id")
    op.drop_table("supervisor_appointments")
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_column("kind")
