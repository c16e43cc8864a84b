"""flask CLI: each domain contributes its command group here (one line per domain)."""

from __future__ import annotations

from importlib import import_module

from flask import Flask

# "module:attribute" of each click command or group added to `flask`.
COMMANDS: list[str] = [
    "hotline.sla.cli:sla_cli",
    "hotline.sla.cli:calendar_cli",
    "hotline.auth.cli:users_group",
    "hotline.seed.cli:seed_command",
    "workers.cli:worker_command",
    "workers.cli:scheduler_command",
]


def register_commands(app: Flask) -> None:
    for spec in COMMANDS:
        module, attr = spec.split(":")
        app.cli.add_command(getattr(import_module(module), attr))
