"""flask CLI: each domain's commands, gathered here (the `sla` group takes commands from three)."""

from __future__ import annotations

from flask import Flask

from hotline.auth.cli import users_group
from hotline.calls.cli import voice_cli
from hotline.escalations.cli import sweep_command
from hotline.seed.cli import seed_command
from hotline.sla.cli import calendar_cli, sla_cli
from hotline.tickets.cli import classify_cli, recompute_command, tickets_cli


def register_commands(app: Flask) -> None:
    """Add every Hotline command to `app.cli` (`flask worker|scheduler` come from workers/)."""
    sla_cli.add_command(sweep_command)
    sla_cli.add_command(recompute_command)
    for command in (
        sla_cli,
        calendar_cli,
        users_group,
        seed_command,
        voice_cli,
        tickets_cli,
        classify_cli,
    ):
        app.cli.add_command(command)
