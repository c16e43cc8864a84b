"""ticket search: each ticket's search words and, on PostgreSQL, their GIN-indexed tsvector

Revision ID: 0022
Revises: 0024
Create Date: 2026-12-02 13:00:00

The staff search (DESIGN §11 "Classify and find") finds tickets by the words of their
description and address (hotline/tickets/search.py over hotline/core/fulltext.py). The
`search-words` job (every 15 s, up to 5,000 tickets) writes them for new tickets; tickets
already in the database get theirs from `flask tickets reindex` (batched, resumable: it fills
only rows still without words), best run once after this upgrade. The columns start empty, so the upgrade itself is quick on any size.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0022"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("search_tokens", sa.Text(), nullable=True))
        batch.add_column(
            sa.Column(
                "search_vector",
                sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql"),
                nullable=True,
            )
        )
    # GIN on PostgreSQL (the search's `@@`); a plain index over a column left NULL elsewhere.
    # Without GIN's pending list: searches would scan the entries not yet merged.
    op.create_index(
        "ix_tickets_search",
        "tickets",
        ["search_vector"],
        postgresql_using="gin",
        postgresql_with={"fastupdate": "off"},
    )
    # The rows still without words: every ticket at first, then only those not yet routed.
    op.create_index(
        "ix_tickets_unindexed",
        "tickets",
        ["id"],
        postgresql_where=sa.text("search_tokens IS NULL"),
        sqlite_where=sa.text("search_tokens IS NULL"),
    )


def downgrade():
    op.drop_index("ix_tickets_unindexed", table_name="tickets")
    op.drop_index("ix_tickets_search", table_name="tickets")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("search_vector")
        batch.drop_column("search_tokens")
