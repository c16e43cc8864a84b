"""Registers every /api/v1 blueprint with the flask-smorest Api (one line per domain)."""

from __future__ import annotations

from importlib import import_module

from flask import Flask

# "module:attribute" of each flask-smorest Blueprint, registered under /api/v1.
API_BLUEPRINTS: list[str] = [
    "hotline.escalations.views:blp",
    "hotline.metrics.views:blp",
    "hotline.api.auth:blp",
    "hotline.tickets.api:blp",
    "hotline.units.api:blp",
    "hotline.catalogue.api:blp",
]


def register_api(app: Flask) -> None:
    from hotline.extensions import api

    for spec in API_BLUEPRINTS:
        module, attr = spec.split(":")
        api.register_blueprint(getattr(import_module(module), attr), url_prefix="/api/v1")
