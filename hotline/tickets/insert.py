"""Writing a new ticket and its `created` event: intake's hot path, in as few round trips and as
little Python as the database allows.

PostgreSQL: one statement (the ticket's INSERT draws its number, and data-modifying CTEs add the
event and, for a webhook, the delivery row with its answer). When that statement is all the
request writes, the unit of work runs it in autocommit (`uow.write_connection`): one round
trip where BEGIN, INSERT, COMMIT took three. SQLite: the day's counter row, the ticket, the
event, the delivery. Either way the ticket comes back persistent in the session with every
column loaded and nothing read back; the PostgreSQL statement runs through `driver_sql`
(compiled once per shape).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import Date, String, Text, bindparam, exists, func, select
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import instance_dict, set_committed_value

from hotline.core import driver_sql, uow
from hotline.core.dbtypes import UTCDateTime
from hotline.core.extensions import db
from hotline.core.models import WebhookDelivery
from hotline.tickets import numbering
from hotline.tickets.models import Ticket, TicketEvent

_TICKETS = Ticket.__table__
_EVENTS = TicketEvent.__table__
_DELIVERIES = WebhookDelivery.__table__
# Stands for the ticket's number in a delivery's stored answer until the number is drawn.
NUMBER_MARK = "{{number}}"


class DeliveryExists(Exception):
    """The webhook delivery key given to `insert_ticket` was already used: nothing was written."""


_COLUMNS = [c for c in _TICKETS.c if not c.primary_key and c.key != "number"]
EVENT_FIELDS = ("type", "at", "actor_id", "actor_label", "to_status", "data")


def _defaults() -> dict[str, Any]:
    defaults: dict[str, Any] = {}
    for column in _COLUMNS:
        if column.default is not None and not column.default.is_scalar:
            raise TypeError(f"tickets.{column.key}: insert.py handles scalar defaults only")
        if column.server_default is not None:  # a column left out must mean NULL
            raise TypeError(f"tickets.{column.key}: insert.py binds no server defaults")
        defaults[column.key] = column.default.arg if column.default is not None else None
    return defaults


@lru_cache(maxsize=64)
def _postgresql_statement(keys: tuple[str, ...], delivered: bool = False) -> Any:
    """The INSERT … CTE binding only the columns in `keys`; the rest are NULL (no column has a
    server default). Each channel fills the same few columns, so a handful of shapes are built,
    and the NULLs of the other ~25 are neither bound nor converted on every intake.

    `delivered`: the webhook delivery row is written by the same statement, its answer's
    NUMBER_MARK replaced by the number; while the key is already in use, no row is written and
    no number drawn (a race on the key is left to its unique index).
    """
    columns = _TICKETS.c
    values: dict[str, Any] = {k: bindparam(f"t_{k}", type_=columns[k].type) for k in keys}
    values["number"] = numbering.sql_number(bindparam("day", type_=Date))
    if delivered:
        key = bindparam("d_key", type_=String)
        unused = ~exists().where(_DELIVERIES.c.key == key)
        ticket = _TICKETS.insert().from_select(
            list(values), select(*(v.label(k) for k, v in values.items())).where(unused)
        )
    else:
        ticket = _TICKETS.insert().values(values)
    ticket = ticket.returning(columns.id, columns.number).cte("new_ticket")
    event_row = select(
        ticket.c.id, *(bindparam(f"e_{k}", type_=_EVENTS.c[k].type) for k in EVENT_FIELDS)
    )
    event = _EVENTS.insert().from_select(["ticket_id", *EVENT_FIELDS], event_row)
    statement = select(ticket.c.id, ticket.c.number).add_cte(event.cte("created_event"))
    if delivered:
        answer = func.replace(
            bindparam("d_response", type_=Text), bindparam("d_mark", type_=Text), ticket.c.number
        )
        delivery_row = select(
            key, ticket.c.id, answer, bindparam("d_created_at", type_=UTCDateTime())
        )
        delivery = _DELIVERIES.insert().from_select(
            ["key", "ticket_id", "response", "created_at"], delivery_row
        )
        statement = statement.add_cte(delivery.cte("delivery"))
    return statement


_DEFAULTS = _defaults()
_INSERT_TICKET = _TICKETS.insert().returning(_TICKETS.c.id)
_INSERT_EVENT = _EVENTS.insert()
_INSERT_DELIVERY = _DELIVERIES.insert()
_EVENT_BLANK = {c.key: None for c in _EVENTS.c if not c.primary_key}
_NEW_TICKET = Ticket.__mapper__.class_manager.new_instance


def insert_ticket(
    values: dict[str, Any],
    event: dict[str, Any],
    *,
    delivery: dict[str, Any] | None = None,
) -> Ticket:
    """INSERT a ticket with `values` (its other columns take their defaults) and its first event
    (`event` holds EVENT_FIELDS); the number comes from `numbering` for the local day of
    values["created_at"].

    When the request's unit of work says this statement is all it writes (`uow.write_connection`:
    a `one_statement` view, PostgreSQL, nothing before it), the statement commits by itself
    (autocommit); the unit of work's commit afterwards only runs its after-commit hooks (the
    routing wake-up).

    `delivery`: the webhook delivery this ticket answers ("key", "response" with NUMBER_MARK
    where the number goes, "created_at"), written with it; DeliveryExists when its key is taken.
    """
    row = {**_DEFAULTS, **values}
    conn, autocommit = uow.write_connection()
    postgresql = conn.dialect.name == "postgresql"
    if postgresql:
        bound = tuple(k for k, v in row.items() if v is not None)
        params = {f"t_{k}": row[k] for k in bound}
        params.update({f"e_{k}": event[k] for k in EVENT_FIELDS})
        params["day"] = numbering.local_day(row["created_at"])
        if delivery is not None:
            params.update({f"d_{k}": delivery[k] for k in ("key", "response", "created_at")})
            params["d_mark"] = NUMBER_MARK
        statement = _postgresql_statement(bound, delivery is not None)
        inserted = driver_sql.compiled(statement, conn.dialect).execute(conn, params).first()
        if inserted is None:  # only the delivered shape can insert nothing
            raise DeliveryExists(delivery["key"] if delivery is not None else "")
        row["id"], row["number"] = inserted
        if not autocommit:  # committed already: no rollback can leave its number unused
            numbering.drawn(row["number"])
    else:
        row["number"] = numbering.next_number(row["created_at"])
        row["id"] = conn.execute(_INSERT_TICKET, row).scalar_one()
        conn.execute(_INSERT_EVENT, {**_EVENT_BLANK, **event, "ticket_id": row["id"]})
        if delivery is not None:  # a taken key raises IntegrityError from the unique index
            response = delivery["response"].replace(NUMBER_MARK, row["number"])
            conn.execute(
                _INSERT_DELIVERY, {**delivery, "response": response, "ticket_id": row["id"]}
            )
    # The values go straight into the instance's dict, as the ORM's own loader does: through
    # Ticket(**row) each of ~40 attributes fires a change event that make_transient_to_detached
    # then discards (about a tenth of an intake's Python time).
    ticket = _NEW_TICKET()
    instance_dict(ticket).update(row)
    set_committed_value(ticket, "assisting_units", [])  # it has none: no lazy load to find out
    make_transient_to_detached(ticket)  # as if loaded: persistent once added, nothing pending
    db.session.add(ticket)
    return ticket
