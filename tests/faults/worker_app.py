"""The app `flask worker` runs in fault tests (FLASK_APP="tests.faults.worker_app:create()"):
the environment's settings, a private queue prefix, the Twilio SDK pointed at a local stub, and
an optional delay per routed ticket so a test can kill the worker in the middle of a batch."""

from __future__ import annotations

import os
import time

from flask import Flask

import config as config_module
from hotline import create_app
from workers.cli import register_commands


def create() -> Flask:
    cfg = config_module.load()
    cfg.QUEUE_PREFIX = os.environ["FAULT_QUEUE_PREFIX"]
    cfg.TWILIO_API_BASE = os.environ.get("FAULT_TWILIO_API_BASE", "")
    cfg.RATELIMIT_ENABLED = False
    delay = float(os.environ.get("FAULT_ROUTE_DELAY", "0") or 0)
    if delay:
        from hotline.tickets import transitions

        original = transitions.route

        def slow_route(ticket, **kwargs):
            time.sleep(delay)
            return original(ticket, **kwargs)

        transitions.route = slow_route
    app = create_app(cfg)
    register_commands(app)
    return app
