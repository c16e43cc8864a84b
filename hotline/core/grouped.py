"""Child rows of several parents in one query, grouped by parent: a list page's N+1 guard."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import InstrumentedAttribute

from hotline.core.extensions import db

K = TypeVar("K")


def rows_by(
    column: InstrumentedAttribute[K],
    ids: Iterable[K],
    *order_by: ColumnElement[Any] | InstrumentedAttribute[Any],
    where: Iterable[ColumnElement[bool]] = (),
) -> dict[K, list[Any]]:
    """The rows of `column`'s model whose `column` is one of `ids` (and match `where`), grouped
    by that value in `order_by` order; every id is a key, [] when it has no rows, and no query
    is made for no ids."""
    wanted = set(ids)
    found: dict[K, list[Any]] = {i: [] for i in wanted}
    if wanted:
        rows = db.session.scalars(
            select(column.class_).where(column.in_(wanted), *where).order_by(*order_by)
        )
        for row in rows:
            found[getattr(row, column.key)].append(row)
    return found
