"""Whole pages kept in Redis for readers without a login (the public site), by namespace.

A namespace has a generation (a random token); a page is stored under the generation read
before it was rendered. `invalidate` gives the namespace a new one, so every page of it is stale
at once in every process, and a page rendered from data read before the change lands under the
old generation, where nobody reads it again. Entries expire by themselves (PUBLIC_CACHE_SECONDS).

Each process also keeps the pages it served, with their generation and expiry. One Lua call per
request reads the generation and, only when the process's copy is not of that generation (or
has expired), the page and its remaining lifetime: a hit costs one round trip of a few bytes, not
the page's 20 KB. Redis being down never fails a page: it is rendered without the cache, and for
RETRY_SECONDS after a failure the cache is not even tried (the client's own retries would add
seconds to every page).
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, has_app_context
from redis.exceptions import RedisError
from sqlalchemy.orm import Session

from hotline.core import uow
from hotline.core.queue import redis_conn

log = logging.getLogger(__name__)

PUBLIC_SITE = "public"

# KEYS[1]: the namespace's prefix; ARGV[1]: the page's key; ARGV[2]: the generation of the
# process's own copy ("" for none). Returns {generation} when that copy is current, else
# {generation, page or false, milliseconds it has left}.
_READ = """
local gen = redis.call('GET', KEYS[1] .. ':gen') or '0'
if gen == ARGV[2] then return {gen} end
local key = KEYS[1] .. ':' .. gen .. ':' .. ARGV[1]
return {gen, redis.call('GET', key), redis.call('PTTL', key)}
"""
_SCRIPT_KEY = "hotline_pagecache_script"
_LOCAL_KEY = "hotline_pagecache_local"
_DOWN_KEY = "hotline_pagecache_down_until"
RETRY_SECONDS = 10.0
MAX_LOCAL_PAGES = 2048  # a public site's pages × languages; past it the copies start afresh
monotonic = time.monotonic  # tests replace it to step through lifetimes without sleeping


@dataclass(frozen=True)
class Page:
    """A page's HTML and whether it came from the cache."""

    body: bytes
    hit: bool


@dataclass(frozen=True)
class _Copy:
    generation: bytes
    expires: float  # monotonic
    body: bytes


def ttl_seconds() -> int:
    """How long a stored page stays fresh (0: no cache at all)."""
    return int(current_app.config["PUBLIC_CACHE_SECONDS"])


def _prefix(namespace: str) -> str:
    # The queue prefix keeps parallel test runs and bench stacks on one Redis apart.
    return f"{current_app.config['QUEUE_PREFIX']}:pagecache:{namespace}"


def _script():
    script = current_app.extensions.get(_SCRIPT_KEY)
    if script is None:
        script = current_app.extensions[_SCRIPT_KEY] = redis_conn().register_script(_READ)
    return script


def _copies() -> dict[tuple[str, str], _Copy]:
    return current_app.extensions.setdefault(_LOCAL_KEY, {})


def _keep(copies: dict[tuple[str, str], _Copy], where: tuple[str, str], copy: _Copy) -> None:
    if len(copies) >= MAX_LOCAL_PAGES and where not in copies:
        copies.clear()  # made-up keys never get here (unknown pages are not stored)
    copies[where] = copy


def page(namespace: str, key: str, render: Callable[[], str | None]) -> Page | None:
    """The page stored under `key`, or `render()`ed now and stored for the next readers.

    `render` returns None when there is no such page (an unknown name): nothing is stored, so
    made-up names cannot fill the cache, and the caller gets None.
    """
    ttl = ttl_seconds()
    now = monotonic()
    if ttl <= 0 or now < current_app.extensions.get(_DOWN_KEY, 0.0):
        return _fresh(render)
    prefix = _prefix(namespace)
    copies = _copies()
    where = (namespace, key)
    held = copies.get(where)
    current = held.generation if held is not None and held.expires > now else b""
    try:
        found = _script()(keys=[prefix], args=[key, current])
    except (RedisError, OSError) as exc:
        _down(f"rendering {key} without it", exc)
        return _fresh(render)
    gen = found[0]
    if held is not None and len(found) == 1:
        return Page(held.body, hit=True)
    body, left_ms = found[1], found[2]
    if body is not None:
        _keep(copies, where, _Copy(gen, now + max(left_ms, 0) / 1000, bytes(body)))
        return Page(bytes(body), hit=True)
    fresh = _fresh(render)
    if fresh is None:
        return None
    try:
        redis_conn().set(f"{prefix}:{gen.decode()}:{key}", fresh.body, ex=ttl)
    except (RedisError, OSError) as exc:
        _down(f"{key} not stored", exc)
        return fresh
    _keep(copies, where, _Copy(gen, now + ttl, fresh.body))
    return fresh


def _fresh(render: Callable[[], str | None]) -> Page | None:
    html = render()
    return None if html is None else Page(html.encode(), hit=False)


def _down(what: str, exc: Exception) -> None:
    log.warning("page cache unavailable (%s): %s", what, exc)
    current_app.extensions[_DOWN_KEY] = monotonic() + RETRY_SECONDS


def invalidate(namespace: str) -> None:
    """Every page of `namespace` is stale from now on (the next reader renders it again)."""
    if not has_app_context():  # a session used outside the app (a migration): no cache
        return
    try:
        # A new random generation, not a counter: a counter restarts when its key is lost
        # (a flushed Redis), and could match a process's copy of an earlier one.
        redis_conn().set(f"{_prefix(namespace)}:gen", secrets.token_hex(8))
    except (RedisError, OSError) as exc:  # the pages still expire by their TTL
        log.warning("page cache %s not invalidated: %s", namespace, exc)


def invalidate_after_commit(namespace: str, *, session: Session | None = None) -> None:
    """`invalidate` once the current unit of work commits (never if it rolls back).

    `session`: the one a flush event is about (default: the app's)."""
    uow.on_commit(f"pagecache:{namespace}", lambda: invalidate(namespace), session=session)
