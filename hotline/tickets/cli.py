"""`flask sla recompute`: recompute open tickets' deadlines now (what the background job does);
`flask tickets reindex`: write the search words of tickets that have none."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from hotline.core.clock import utcnow
from hotline.core.uow import checkpoint, unit_of_work
from hotline.tickets.recompute import recompute_open_deadlines
from hotline.tickets.search import REINDEX_BATCH, reindex


@click.command("recompute")
@with_appcontext
def recompute_command() -> None:
    """Recompute open tickets' deadlines now (what the background job does)."""
    with unit_of_work():
        changed = recompute_open_deadlines(now=utcnow(), commit=checkpoint)
    click.echo(f"recomputed {changed} tickets")


@click.group("tickets")
def tickets_cli() -> None:
    """Tickets: the search index."""


@tickets_cli.command("reindex")
@click.option("--all", "everything", is_flag=True, help="rewrite every ticket's words")
@click.option("--batch-size", default=REINDEX_BATCH, show_default=True, type=click.IntRange(1))
@with_appcontext
def reindex_command(everything: bool, batch_size: int) -> None:
    """Write the search words of tickets that have none (after the upgrade to revision 0022),
    or of every ticket with --all; a batch per transaction, resumable."""
    with unit_of_work():
        written = reindex(batch_size=batch_size, everything=everything, commit=checkpoint)
    click.echo(f"indexed {written} tickets")
