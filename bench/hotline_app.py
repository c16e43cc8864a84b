"""Hotline as gunicorn and `flask worker` run it in the bench: the environment's settings plus
the bench's private queue prefix, and no per-IP rate limit (all load comes from one address)."""

from __future__ import annotations

import os

from flask import Flask

import config as config_module
from hotline import create_app
from hotline.core.heap import freeze_startup_heap
from workers.cli import register_commands


def create() -> Flask:
    """The app as wsgi.py builds it, start-up heap frozen included."""
    cfg = config_module.load()
    cfg.QUEUE_PREFIX = os.environ.get("BENCH_QUEUE_PREFIX", cfg.QUEUE_PREFIX)
    cfg.RATELIMIT_ENABLED = False
    app = create_app(cfg)
    register_commands(app)
    freeze_startup_heap()
    return app
