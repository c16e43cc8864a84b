"""Many rows in one statement: arrays unnested on PostgreSQL, an executemany elsewhere."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    Table,
    TypeDecorator,
    any_,
    bindparam,
    func,
    insert,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeEngine

from hotline.core.extensions import db

_REGISTERED = "hotline_binary_arrays"


class _BinaryList(list):
    """A bound array psycopg sends in its binary format.

    Its text format quotes and escapes every element in Python (regular expressions per
    string); for the sweep's tens of thousands of texts that cost more than the INSERT itself.
    """


class _Array(TypeDecorator):
    """ARRAY(item) bound as a _BinaryList, after the item type's own bind processing."""

    impl = ARRAY
    cache_ok = True

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any]:
        items = super().bind_processor(dialect)

        def process(value: Any) -> Any:
            return _BinaryList(items(value) if items else value)

        return process


def _binary_arrays(connection: Connection) -> None:
    """Once per psycopg connection: dump _BinaryList in binary (others fall back to text)."""
    if connection.dialect.driver != "psycopg" or connection.info.get(_REGISTERED):
        return
    from psycopg.types.array import ListBinaryDumper

    connection.connection.driver_connection.adapters.register_dumper(_BinaryList, ListBinaryDumper)
    connection.info[_REGISTERED] = True


def unnested(rows: list[dict[str, Any]], types: Mapping[str, TypeEngine]) -> Select:
    """PostgreSQL: `SELECT unnest(:a::type[]) AS a, unnest(:b::type[]) AS b, …` over `rows`,
    to run on the session's connection.

    Rows come out in list order (set-returning functions in one select list advance together).
    A 1,000-row VALUES list or an executemany costs more to compile (SQLAlchemy), parse and
    send (psycopg, the server) than the rows cost to write; one array per column keeps the
    statement the same few hundred characters, compiled and parsed once, for any row count.
    """
    _binary_arrays(db.session.connection())
    return select(
        *(
            func.unnest(
                bindparam(f"rows_{name}", [row[name] for row in rows], type_=_Array(types[name]))
            ).label(name)
            for name in rows[0]
        )
    )


def among(column: ColumnElement[Any], values: list[Any]) -> ColumnElement[bool]:
    """`column IN values` for thousands of values: on PostgreSQL `column = ANY(:array)`, one
    binary array parameter (an IN list binds, sends and plans one parameter per value); a
    plain IN elsewhere."""
    if db.session.get_bind().dialect.name != "postgresql":
        return column.in_(values)
    _binary_arrays(db.session.connection())
    return column == any_(bindparam(None, values, type_=_Array(column.type)))


def insert_rows(table: Table, rows: list[dict[str, Any]]) -> None:
    """INSERT `rows` (dicts with the same keys) in order, in the session's transaction."""
    if not rows:
        return
    if db.session.get_bind().dialect.name == "postgresql":
        source = unnested(rows, {name: table.c[name].type for name in rows[0]})
        db.session.execute(insert(table).from_select(list(rows[0]), source))
    else:
        db.session.execute(insert(table), rows)
