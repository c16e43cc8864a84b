"""Private apps for fault tests: the session app's settings with one thing changed."""

from __future__ import annotations

from typing import Any

from flask import Flask

from hotline import create_app


def private_app(app: Flask, **overrides: Any) -> Flask:
    """A new app with the test app's settings plus `overrides` (its own engine and Redis)."""
    cfg = {
        key: value
        for key, value in app.config.items()
        if key.isupper() and not key.startswith(("SQLALCHEMY_BINDS", "CLOCK"))
    }
    cfg.update(overrides)
    return create_app(cfg)
