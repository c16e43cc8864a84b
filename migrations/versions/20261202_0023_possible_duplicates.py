"""possible duplicates: tickets.possible_duplicate_of and the keys the check looks up

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-02 02:30:00

The duplicate check after intake (hotline/tickets/duplicates.py) compares a new ticket with
the last 7 days' by phone, by place (district + normalised address) and category, and by text.
Each comparison is an index lookup: digests of the place and the text are stored on the ticket.
Tickets of the last 8 days get their digests here so the first checks after the upgrade see them.
"""

import hashlib
import unicodedata
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
tickets = sa.table(
    "tickets",
    sa.column("id", sa.Integer),
    sa.column("district", sa.String),
    sa.column("address", sa.String),
    sa.column("description", sa.Text),
    sa.column("created_at", TS),
    sa.column("place_key", sa.String),
    sa.column("text_key", sa.String),
)


def _compact(text: str) -> str:
    # As hotline/tickets/duplicates.py at this revision (a migration does not import the app).
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).lower() if ch.isalnum())


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def place_key(district: str | None, address: str | None) -> str | None:
    where = _compact(address or "")
    return _digest(f"{district.strip()}|{where}") if district and where else None


def text_key(description: str) -> str | None:
    compact = _compact(description)
    return _digest(compact) if compact else None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("possible_duplicate_of_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("place_key", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("text_key", sa.String(length=40), nullable=True))
        batch.create_foreign_key(
            op.f("fk_tickets_possible_duplicate_of_id_tickets"),
            "tickets",
            ["possible_duplicate_of_id"],
            ["id"],
        )
    for name, column in (("place_key", "place_key"), ("text_key", "text_key")):
        op.create_index(
            f"ix_tickets_{name}_created",
            "tickets",
            [column, "created_at"],
            postgresql_where=sa.text(f"{column} IS NOT NULL"),
            sqlite_where=sa.text(f"{column} IS NOT NULL"),
        )
    op.create_index("ix_tickets_district_created", "tickets", ["district", "created_at"])
    for column in ("possible_duplicate_of_id", "merged_into_id"):
        name = "possible_duplicate_of" if column.startswith("possible") else "merged_into"
        op.create_index(
            f"ix_tickets_{name}",
            "tickets",
            [column],
            postgresql_where=sa.text(f"{column} IS NOT NULL"),
            sqlite_where=sa.text(f"{column} IS NOT NULL"),
        )
    conn = op.get_bind()
    since = datetime.now(UTC) - timedelta(days=8)
    rows = conn.execute(
        sa.select(tickets.c.id, tickets.c.district, tickets.c.address, tickets.c.description).where(
            tickets.c.created_at >= since
        )
    ).all()
    for row in rows:
        conn.execute(
            tickets.update()
            .where(tickets.c.id == row.id)
            .values(
                place_key=place_key(row.district, row.address),
                text_key=text_key(row.description or ""),
            )
        )


def downgrade() -> None:
    for name in (
        "ix_tickets_merged_into",
        "ix_tickets_possible_duplicate_of",
        "ix_tickets_district_created",
        "ix_tickets_text_key_created",
        "ix_tickets_place_key_created",
    ):
        op.drop_index(name, table_name="tickets")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_constraint(
            op.f("fk_tickets_possible_duplicate_of_id_tickets"), type_="foreignkey"
        )
        batch.drop_column("text_key")
        batch.drop_column("place_key")
        batch.drop_column("possible_duplicate_of_id")
