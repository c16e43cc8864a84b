"""hot spots: an index on tickets (created_at, district, category_id)

Revision ID: 0024
Revises: 0019
Create Date: 2026-12-02 02:30:00

The hot-spot dashboard (/dashboard/hotspots, GET /api/v1/metrics/hotspots) counts tickets per
district × category × local week over 17 weeks; with this index PostgreSQL reads that range
from the index alone.
"""

from alembic import op

revision = "0024"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_tickets_created_district_category",
        "tickets",
        ["created_at", "district", "category_id"],
    )


def downgrade():
    op.drop_index("ix_tickets_created_district_category", table_name="tickets")
