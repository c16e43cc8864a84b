"""Whole pages kept in Redis for readers without a login (the public site), by namespace.

A namespace has a generation number; a page is stored under the generation read before it was
rendered, and one Lua call reads the generation and the page together (one round trip per hit).
`invalidate` moves the generation on, so every page of the namespace is stale at once, and a
page rendered from data read before the change lands under the old generation, where nobody
reads it again. Entries expire by themselves (PUBLIC_CACHE_SECONDS). Redis being down never
fails a page: it is rendered without the cache, and for RETRY_SECONDS after a failure the cache is
not even tried (the client's own retries would add seconds to every page).
"""

from __future__ import annotations

import logging
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

# KEYS[1]: the namespace's prefix; ARGV[1]: the page's key. Returns {generation, page or false}.
_READ = """
local gen = redis.call('GET', KEYS[1] .. ':gen') or '0'
return {gen, redis.call('GET', KEYS[1] .. ':' .. gen .. ':' .. ARGV[1])}
"""
_SCRIPT_KEY = "hotline_pagecache_script"
_DOWN_KEY = "hotline_pagecache_down_until"
RETRY_SECONDS = 10.0
monotonic = time.monotonic  # tests replace it to step past RETRY_SECONDS without sleeping


@dataclass(frozen=True)
class Page:
    """A page's HTML and whether it came from the cache."""

    body: bytes
    hit: bool


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


def page(namespace: str, key: str, render: Callable[[], str | None]) -> Page | None:
    """The page stored under `key`, or `render()`ed now and stored for the next readers.

    `render` returns None when there is no such page (an unknown name): nothing is stored, so
    made-up names cannot fill the cache, and the caller gets None.
    """
    ttl = ttl_seconds()
    if ttl <= 0 or monotonic() < current_app.extensions.get(_DOWN_KEY, 0.0):
        return _fresh(render)
    prefix = _prefix(namespace)
    try:
        gen, body = _script()(keys=[prefix], args=[key])
    except (RedisError, OSError) as exc:
        _down(f"rendering {key} without it", exc)
        return _fresh(render)
    if body is not None:
        return Page(bytes(body), hit=True)
    fresh = _fresh(render)
    if fresh is None:
        return None
    try:
        redis_conn().set(f"{prefix}:{gen.decode()}:{key}", fresh.body, ex=ttl)
    except (RedisError, OSError) as exc:
        _down(f"{key} not stored", exc)
    return fresh


def _down(what: str, exc: Exception) -> None:
    log.warning("page cache unavailable (%s): %s", what, exc)
    current_app.extensions[_DOWN_KEY] = monotonic() + RETRY_SECONDS


def _fresh(render: Callable[[], str | None]) -> Page | None:
    html = render()
    return None if html is None else Page(html.encode(), hit=False)


def invalidate(namespace: str) -> None:
    """Every page of `namespace` is stale from now on (the next reader renders it again)."""
    if not has_app_context():  # a session used outside the app (a migration): no cache
        return
    try:
        redis_conn().incr(f"{_prefix(namespace)}:gen")
    except (RedisError, OSError) as exc:  # the pages still expire by their TTL
        log.warning("page cache %s not invalidated: %s", namespace, exc)


def invalidate_after_commit(namespace: str, *, session: Session | None = None) -> None:
    """`invalidate` once the current unit of work commits (never if it rolls back).

    `session`: the one a flush event is about (default: the app's)."""
    uow.on_commit(f"pagecache:{namespace}", lambda: invalidate(namespace), session=session)
