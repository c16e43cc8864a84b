"""ticket numbers from a per-day PostgreSQL sequence instead of a locked counter row

The counter row was locked from the first INSERT to the end of COMMIT (a WAL flush), so on
PostgreSQL every intake in the city waited for the one before it to reach disk. A sequence hands
out numbers without a lock. A number whose transaction rolls back is skipped; the application
logs each such number (hotline.tickets.numbering), so every gap can be explained.

SQLite keeps the counter row: it has no sequences and serialises writers anyway.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 11:10:00

"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# The day's sequence is made on the first ticket of the day, starting after the highest number
# already used that day (tickets, or the old counter row on the day of this upgrade).
FUNCTION = r"""
CREATE OR REPLACE FUNCTION hotline_ticket_number(receipt_day date) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    prefix text := to_char(receipt_day, 'YYYYMMDD');
    seq text := 'ticket_numbers_' || prefix;
    n bigint;
    start bigint;
BEGIN
    IF to_regclass(seq) IS NULL THEN
        SELECT greatest(
            coalesce((SELECT max(substr(t.number, 10)::bigint) FROM tickets t
                      WHERE t.number >= prefix || '-' AND t.number < prefix || '.'), 0),
            coalesce((SELECT s.last FROM ticket_sequences s WHERE s.day = receipt_day), 0)
        ) + 1 INTO start;
        BEGIN
            EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I START WITH %s', seq, start);
        EXCEPTION WHEN unique_violation OR duplicate_table THEN
            NULL;  -- another intake created it at the same moment: use theirs
        END;
    END IF;
    n := nextval(seq::regclass);
    RETURN prefix || '-' || CASE WHEN n < 1000000 THEN lpad(n::text, 6, '0') ELSE n::text END;
END
$$;
"""


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(FUNCTION)


# Going back to the counter row: bring it up to the numbers the sequences handed out.
CATCH_UP = r"""
INSERT INTO ticket_sequences (day, last)
SELECT to_date(left(number, 8), 'YYYYMMDD'), max(substr(number, 10)::bigint)
FROM tickets GROUP BY 1
ON CONFLICT (day) DO UPDATE SET last = greatest(ticket_sequences.last, excluded.last)
"""

DROP_SEQUENCES = r"""
DO $$
DECLARE name text;
BEGIN
    FOR name IN SELECT relname FROM pg_class
                WHERE relkind = 'S' AND relname LIKE 'ticket\_numbers\_%' LOOP
        EXECUTE format('DROP SEQUENCE IF EXISTS %I', name);
    END LOOP;
END
$$;
"""


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(CATCH_UP)
        op.execute(DROP_SEQUENCES)
        op.execute("DROP FUNCTION IF EXISTS hotline_ticket_number(date)")
