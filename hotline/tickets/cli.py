"""`flask sla recompute`: recompute open tickets' deadlines now (what the background job does)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from hotline.core.clock import utcnow
from hotline.core.uow import checkpoint, unit_of_work
from hotline.tickets.recompute import recompute_open_deadlines


@click.command("recompute")
@with_appcontext
def recompute_command() -> None:
    """Recompute open tickets' deadlines now (what the background job does)."""
    with unit_of_work():
        changed = recompute_open_deadlines(now=utcnow(), commit=checkpoint)
    click.echo(f"recomputed {changed} tickets")
