"""ticket publication: the complainant's consent, a supervisor's approval, the public text

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 20:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("publish_consent", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("published_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("published_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("public_text", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            "fk_tickets_published_by_id_users", "users", ["published_by_id"], ["id"]
        )
        batch_op.create_index(
            "ix_tickets_published_created",
            ["created_at"],
            unique=False,
            postgresql_where=sa.text("published_at IS NOT NULL"),
            sqlite_where=sa.text("published_at IS NOT NULL"),
        )
    # The server default stays for rows written by SQL outside the ORM (bulk loads, the
    # bench's generator); the app binds the value on every insert (insert.py).


def downgrade():
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_published_created")
        batch_op.drop_constraint("fk_tickets_published_by_id_users", type_="foreignkey")
        batch_op.drop_column("public_text")
        batch_op.drop_column("published_by_id")
        batch_op.drop_column("published_at")
        batch_op.drop_column("publish_consent")
