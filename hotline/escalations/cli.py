"""`flask sla sweep [--now ISO8601]`: one escalation sweep, printed line by line."""

from __future__ import annotations

from datetime import timedelta

import click
from flask.cli import with_appcontext

from hotline.core.uow import checkpoint, unit_of_work
from hotline.escalations.sweep import sweep
from hotline.sla.cli import parse_instant, warn_missing_years


@click.command("sweep")
@click.option("--now", "now_text", default=None, help="run as of this ISO 8601 instant")
@with_appcontext
def sweep_command(now_text: str | None) -> None:
    """Run one escalation sweep and print what it did."""
    now = parse_instant(now_text, "--now")
    with unit_of_work():
        summary = sweep(now=now, commit=checkpoint)
    if summary.deadlines:
        warn_missing_years(now, max(summary.deadlines))
    else:
        warn_missing_years(now, now + timedelta(days=1))
    for line in summary.lines():
        click.echo(line)
