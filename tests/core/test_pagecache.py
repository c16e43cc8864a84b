"""The page cache: one copy per key until it expires or its namespace is invalidated; a page
rendered before an invalidation is never served after it; made-up names are never stored."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from hotline.core import pagecache, uow
from hotline.core.extensions import db

NS = "test-pages"


@pytest.fixture
def cache(app: Flask, redis) -> Iterator[None]:
    app.config["PUBLIC_CACHE_SECONDS"] = 60
    with app.app_context():
        pagecache.invalidate(NS)
        yield
    app.config["PUBLIC_CACHE_SECONDS"] = 0


def test_a_page_is_rendered_once_then_served_from_the_cache(cache, redis, app):
    calls = []

    def render() -> str:
        calls.append(1)
        return "<p>排名</p>"

    first = pagecache.page(NS, "ranking:zh_CN", render)
    second = pagecache.page(NS, "ranking:zh_CN", render)
    assert (first.hit, second.hit) == (False, True)
    assert second.body == "<p>排名</p>".encode()
    assert len(calls) == 1
    keys = list(redis.scan_iter(f"{app.config['QUEUE_PREFIX']}:pagecache:{NS}:*:ranking:zh_CN"))
    assert len(keys) == 1
    assert 0 < redis.ttl(keys[0]) <= 60  # expires by itself


def test_invalidating_makes_every_page_of_the_namespace_stale(cache):
    pagecache.page(NS, "a", lambda: "old a")
    pagecache.page(NS, "b", lambda: "old b")
    pagecache.invalidate(NS)
    assert pagecache.page(NS, "a", lambda: "new a").body == b"new a"
    assert pagecache.page(NS, "b", lambda: "new b").body == b"new b"
    assert pagecache.page("other", "a", lambda: "x").hit is False


def test_a_page_rendered_before_an_invalidation_is_not_served_after_it(cache):
    def slow_render() -> str:
        pagecache.invalidate(NS)  # the data changed while this page was being rendered
        return "stale"

    assert pagecache.page(NS, "a", slow_render).body == b"stale"
    assert pagecache.page(NS, "a", lambda: "fresh").body == b"fresh"


def test_nothing_is_stored_for_a_name_that_has_no_page(cache, redis, app):
    assert pagecache.page(NS, "unit:NOPE", lambda: None) is None
    assert not list(redis.scan_iter(f"{app.config['QUEUE_PREFIX']}:pagecache:{NS}:*:unit:*"))


def test_no_cache_when_its_lifetime_is_zero(app):
    app.config["PUBLIC_CACHE_SECONDS"] = 0
    with app.app_context():
        assert pagecache.page(NS, "a", lambda: "one").hit is False
        assert pagecache.page(NS, "a", lambda: "two").body == b"two"


def test_invalidation_waits_for_the_commit_and_is_dropped_on_rollback(cache, session):
    pagecache.page(NS, "a", lambda: "kept")
    pagecache.invalidate_after_commit(NS)
    uow.rollback()
    assert pagecache.page(NS, "a", lambda: "new").hit is True
    pagecache.invalidate_after_commit(NS)
    db.session.commit()
    assert pagecache.page(NS, "a", lambda: "new").body == b"new"


def test_a_process_serves_its_own_copy_while_the_generation_holds(cache, redis, app):
    pagecache.page(NS, "a", lambda: "first")
    prefix = f"{app.config['QUEUE_PREFIX']}:pagecache:{NS}"
    for key in redis.scan_iter(f"{prefix}:*:a"):
        redis.delete(key)  # gone from Redis: this process still has its copy of the generation
    assert pagecache.page(NS, "a", lambda: "second").body == b"first"
    redis.set(f"{prefix}:gen", "set-by-another-process")  # another process invalidated
    assert pagecache.page(NS, "a", lambda: "third").body == b"third"


def test_a_process_copy_lives_no_longer_than_the_stored_page(cache, redis, app, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(pagecache, "monotonic", lambda: clock[0])
    pagecache.page(NS, "a", lambda: "first")
    prefix = f"{app.config['QUEUE_PREFIX']}:pagecache:{NS}"
    for key in redis.scan_iter(f"{prefix}:*:a"):
        redis.delete(key)  # as Redis expires it after PUBLIC_CACHE_SECONDS
    clock[0] += 61
    assert pagecache.page(NS, "a", lambda: "second").body == b"second"


def test_a_flushed_redis_never_brings_back_an_old_copy(cache, redis, app):
    pagecache.invalidate(NS)
    pagecache.page(NS, "a", lambda: "before the flush")
    for key in redis.scan_iter(f"{app.config['QUEUE_PREFIX']}:pagecache:{NS}:*"):
        redis.delete(key)
    pagecache.invalidate(NS)  # a new generation, never one seen before
    assert pagecache.page(NS, "a", lambda: "after").body == b"after"
