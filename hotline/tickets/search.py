"""Finding tickets (DESIGN §11 "Classify and find"): by number, part of a number, a complainant's
phone or the words of the description and address, with the filters of the ticket list.

The words are those of hotline/core/fulltext.py (jieba, a token column, PostgreSQL's tsvector
under a GIN index), written by `reindex`: every 15 s for the tickets received since (the
search-words job), once for all older tickets (`flask tickets reindex`). Not at intake nor in
routing, whose rates are guarded figures: segmenting costs about half a millisecond a ticket.
Until then a new ticket is found by its number and phone, not yet by its words.

What is searchable is chosen with privacy in mind: the description and the address, never the
complainant's name (a unit may not see it) nor phone (matched exactly, and only for the roles
that see it unmasked, as the top search box always did). A confidential (保密) ticket's address
is left out of its words, since a unit sees no address of it and a match would reveal one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    bindparam,
    false,
    func,
    literal_column,
    or_,
    select,
    update,
)

from hotline.catalogue.models import Category
from hotline.core import fulltext
from hotline.core.actor import Actor
from hotline.core.clock import local_tz
from hotline.core.errors import Forbidden, ValidationFailed
from hotline.core.extensions import db
from hotline.tickets.models import Ticket
from hotline.tickets.service import normalize_phone
from hotline.units.models import Unit

# Digits, spaces, dashes, brackets and a plus: a ticket number, part of one, or a phone number.
NUMBERISH = re.compile(r"^[\d\s()+-]{3,24}$")
# What may be part of a ticket number (YYYYMMDD-NNNNNN).
_NUMBER_PART = re.compile(r"^[0-9-]{3,16}$")
# A word search ranks the newest this many matching tickets the viewer may see: a common word
# ("噪音") matches tens of thousands among a million, and ranking each would take seconds.
RANKED_MAX = 1000
REINDEX_BATCH = 1000


def ticket_tokens(description: str | None, address: str | None, confidential: bool) -> str:
    """The token column's value for a ticket (its address only when not confidential)."""
    return fulltext.document_tokens(description, None if confidential else address)


def reindex(
    *,
    batch_size: int = REINDEX_BATCH,
    everything: bool = False,
    limit: int | None = None,
    commit: Callable[[], None],
) -> int:
    """Write the words of tickets that have none (or of every ticket, `everything`), a batch per
    transaction (`commit` after each), in id order; returns how many were written.

    Core UPDATEs, not the ORM: the ticket's version (its ETag) is not bumped, since nothing a
    client sees changed. Resumable: stopped half-way, it carries on with the rows still empty.
    `limit`: stop after about this many (a whole batch more at most).
    """
    t = Ticket.__table__
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    tokens = bindparam("tokens", type_=t.c.search_tokens.type)
    vector = func.to_tsvector(literal_column(f"'{fulltext.CONFIG}'"), tokens)
    statement = (
        update(t)
        .where(t.c.id == bindparam("ticket_id"))
        .values(search_tokens=tokens, search_vector=vector if postgresql else None)
    )
    written = 0
    after_id = 0
    while limit is None or written < limit:
        query = select(t.c.id, t.c.description, t.c.address, t.c.confidential).where(
            t.c.id > after_id
        )
        if not everything:
            query = query.where(t.c.search_tokens.is_(None))
        rows = db.session.execute(query.order_by(t.c.id).limit(batch_size)).all()
        if not rows:
            return written
        params = [
            {"ticket_id": r.id, "tokens": ticket_tokens(r.description, r.address, r.confidential)}
            for r in rows
        ]
        db.session.execute(statement, params)
        commit()
        written += len(rows)
        after_id = rows[-1].id
    return written


def day_bounds(first: date | None, last: date | None) -> list[ColumnElement[bool]]:
    """`created_at` within the local days `first` to `last`, both included."""
    tz = local_tz()
    where = []
    if first is not None:
        where.append(Ticket.created_at >= datetime.combine(first, time(), tzinfo=tz))
    if last is not None:
        end = datetime.combine(last + timedelta(days=1), time(), tzinfo=tz)
        where.append(Ticket.created_at < end)
    return where


def in_district(district: str, actor: Actor) -> ColumnElement[bool]:
    """Tickets in `district`; for those who see no place of a confidential ticket (a unit's
    staff), only tickets that are not confidential, or the filter would reveal the place."""
    if actor.sees_full_personal_data:
        return Ticket.district == district
    return (Ticket.district == district) & Ticket.confidential.is_(False)


def filtered(stmt: Any, args: dict, actor: Actor) -> Any:
    """`stmt` (a select of tickets) narrowed by the ticket list's filters in `args` (the API's
    query arguments, the search page's fields): status (a list), unit and category codes,
    channel, kind, priority, phone, overdue, district, from_ and to (local days)."""
    if args.get("status"):
        stmt = stmt.where(Ticket.status.in_(args["status"]))
    if args.get("unit"):
        stmt = stmt.where(
            Ticket.unit_id == select(Unit.id).where(Unit.code == args["unit"]).scalar_subquery()
        )
    for name in ("channel", "kind", "priority"):
        if args.get(name):
            stmt = stmt.where(getattr(Ticket, name) == args[name])
    if args.get("category"):
        stmt = stmt.where(
            Ticket.category_id
            == select(Category.id).where(Category.code == args["category"]).scalar_subquery()
        )
    if args.get("phone"):
        if not actor.sees_full_personal_data:
            # Matching on a number the caller may only see masked would reveal it.
            raise Forbidden("only hotline staff may search by phone")
        stmt = stmt.where(Ticket.complainant_phone == normalize_phone(args["phone"]))
    if args.get("overdue") is not None:
        stmt = stmt.where(Ticket.overdue.is_(args["overdue"]))
    if args.get("district"):
        stmt = stmt.where(in_district(args["district"], actor))
    return stmt.where(*day_bounds(args.get("from_"), args.get("to")))


@dataclass(frozen=True)
class Searched:
    """A search applied to a select of tickets: `ids`, a select of the matching tickets' ids in
    the order shown (page it with offset/limit, then `load`), and `total` counting them (a word
    search counts at most RANKED_MAX)."""

    ids: Any
    total: Any
    by_phone: bool  # complainants' phone numbers were matched too
    by_words: bool  # the words of descriptions and addresses were matched (ranked)
    words: list[str]  # the words looked for (for highlighting)


def numberish(q: str) -> bool:
    return bool(NUMBERISH.match(q.strip()))


def search(stmt: Any, q: str, actor: Actor) -> Searched:
    """`stmt` (a select of the tickets `actor` may see, filtered) narrowed to those matching `q`.

    A number-like `q` (digits, spaces, `-`, `+`, brackets) matches ticket numbers containing it
    and, for the roles that see phones unmasked, the complainant's phone equal to it or holding
    its digits; newest first. Any other `q` matches words (at most fulltext.MAX_QUERY_WORDS of
    its first fulltext.MAX_QUERY_CHARS characters), best match first among the newest
    RANKED_MAX matches; a `q` with no word to look for (punctuation, stop words) finds nothing.
    """
    q = q.strip()
    if numberish(q):
        where, by_phone = _number_or_phone(q, actor)
        found = stmt.with_only_columns(Ticket.id).where(where)
        total = select(func.count()).select_from(found.subquery())
        ids = found.order_by(Ticket.created_at.desc(), Ticket.id.desc())
        return Searched(ids, total, by_phone, False, [])
    searched = fulltext.query_words(q)
    matched = fulltext.match(Ticket.search_tokens, Ticket.search_vector, searched)
    if matched is None:
        nothing = stmt.with_only_columns(Ticket.id).where(false())
        return Searched(
            nothing, select(func.count()).select_from(nothing.subquery()), False, True, []
        )
    # The newest matches first (by id: the GIN index or the primary key, whichever the planner
    # finds cheaper), ranked only then: ts_rank reads each candidate's vector.
    candidates = (
        stmt.with_only_columns(Ticket.id, Ticket.created_at, matched.rank.label("rank"))
        .where(matched.where)
        .order_by(Ticket.id.desc())
        .limit(RANKED_MAX)
        .subquery()
    )
    c = candidates.c
    ids = select(c.id).order_by(c.rank.desc(), c.created_at.desc(), c.id.desc())
    total = select(func.count()).select_from(candidates)
    return Searched(ids, total, False, True, searched)


def page(found: Searched, *, offset: int, limit: int) -> tuple[list[Ticket], int]:
    """One page of a search's tickets, in its order, and how many there are in all.

    The ids and the count come from one statement (a window count: the candidates are found
    once, not again for the total); then the rows by primary key (one statement joining the
    candidates made PostgreSQL read the whole table)."""
    ids = found.ids.add_columns(func.count().over().label("total"))
    rows = db.session.execute(ids.offset(offset).limit(limit)).all()
    if not rows:  # past the last page, or nothing found: the count alone
        return [], (db.session.scalar(found.total) if offset else 0)
    order = [r.id for r in rows]
    loaded = db.session.scalars(select(Ticket).where(Ticket.id.in_(order))).unique()
    by_id = {t.id: t for t in loaded}
    return [by_id[i] for i in order if i in by_id], rows[0].total


def _number_or_phone(q: str, actor: Actor) -> tuple[ColumnElement[bool], bool]:
    digits = re.sub(r"[\s()-]", "", q)
    match: list[ColumnElement[bool]] = []
    if _NUMBER_PART.match(q):
        match.append(Ticket.number.contains(q, autoescape=True))
    by_phone = actor.sees_full_personal_data and len(digits.lstrip("+")) >= 4
    if by_phone:
        try:
            phone = normalize_phone(q)
        except ValidationFailed:
            phone = None
        if phone:
            match.append(Ticket.complainant_phone == phone)
        if digits.isdigit():
            match.append(Ticket.complainant_phone.contains(digits, autoescape=True))
    return (or_(*match) if match else false()), by_phone
