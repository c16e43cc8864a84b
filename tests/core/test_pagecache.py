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
