"""Liveness (`/healthz`, no I/O) and readiness (`/readyz`: database, Redis, migrations at head)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text

import config as config_module
from hotline.core import uow
from hotline.core.extensions import csrf, db, limiter
from hotline.core.queue import redis_conn

bp = Blueprint("health", __name__)
csrf.exempt(bp)
limiter.exempt(bp)

MIGRATIONS_DIR = Path(config_module.BASE_DIR) / "migrations"


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """The process answers; touches neither the database nor Redis."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> ResponseReturnValue:
    """200 when the database and Redis answer and the schema is at the migration heads."""
    checks = {"database": _check_database(), "redis": _check_redis()}
    if checks["database"]["ok"]:
        checks["migrations"] = _check_migrations()
    else:
        checks["migrations"] = {"ok": False, "error": "database unreachable"}
    ready = all(c["ok"] for c in checks.values())
    response = jsonify(status="ready" if ready else "unavailable", checks=checks)
    response.status_code = 200 if ready else 503
    if not ready:
        response.headers["Retry-After"] = "5"
    response.headers["Cache-Control"] = "no-store"
    return response


def _check_database() -> dict[str, Any]:
    try:
        db.session.execute(text("SELECT 1"))
        return {"ok": True}
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready", reported as text
        uow.rollback()
        return {"ok": False, "error": type(exc).__name__}


def _check_redis() -> dict[str, Any]:
    try:
        redis_conn().ping()
        return {"ok": True}
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": type(exc).__name__}


def script_heads(app: Flask) -> frozenset[str]:
    """The revision heads of the migration scripts, read once per process."""
    cached = app.extensions.get("hotline_script_heads")
    if cached is None:
        from alembic.config import Config
        from alembic.script import ScriptDirectory

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        cached = frozenset(ScriptDirectory.from_config(cfg).get_heads())
        app.extensions["hotline_script_heads"] = cached
    return cached


def _check_migrations() -> dict[str, Any]:
    from alembic.runtime.migration import MigrationContext

    try:
        heads = script_heads(current_app._get_current_object())  # type: ignore[attr-defined]
        current = frozenset(MigrationContext.configure(db.session.connection()).get_current_heads())
    except Exception as exc:  # noqa: BLE001
        uow.rollback()
        return {"ok": False, "error": type(exc).__name__}
    result: dict[str, Any] = {"ok": current == heads, "current": sorted(current)}
    if current != heads:
        result["heads"] = sorted(heads)
    return result
