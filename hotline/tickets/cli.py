"""`flask sla recompute`: recompute open tickets' deadlines now (what the background job does)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from hotline.core.clock import utcnow
from hotline.core.extensions import db
from hotline.tickets.recompute import recompute_open_deadlines


@click.command("recompute")
@with_appcontext
def recompute_command() -> None:
    """Recompute open tickets' deadlines now (what the background job does)."""
    changed = recompute_open_deadlines(now=utcnow(), commit=db.session.commit)
    click.echo(f"recomputed {changed} tickets")
