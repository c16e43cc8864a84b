"""`flask sla recompute` (open tickets' deadlines now), `flask tickets reindex` (the search words
of tickets that have none) and `flask classify train` (a new text model from the centre's
classified tickets): what the background jobs do, on demand."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from hotline.core.clock import utcnow
from hotline.core.uow import checkpoint, unit_of_work
from hotline.tickets import classification
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


@click.group("classify")
def classify_cli() -> None:
    """The text model that classifies untagged tickets (docs/CLASSIFY.md)."""


@classify_cli.command("train")
@click.option(
    "--holdout",
    type=click.FloatRange(0.0, 0.5),
    default=0.2,
    show_default=True,
    help="Share of the labelled tickets held out to measure accuracy (0: none).",
)
@click.option(
    "--min-samples",
    type=click.IntRange(2),
    default=None,
    help="Activate the model only with this many labelled tickets [CLASSIFY_MIN_SAMPLES].",
)
@with_appcontext
def train_command(holdout: float, min_samples: int | None) -> None:
    """Train a model on the classified tickets, report its held-out accuracy, keep it, and
    make it the active one when it learnt from enough tickets."""
    try:
        with unit_of_work():
            result = classification.train(holdout=holdout, min_samples=min_samples)
    except ValueError as exc:
        raise click.ClickException(f"nothing to train on: {exc}") from exc
    accuracy = result.holdout_accuracy
    click.echo(f"model {result.model_id}: {result.n_samples} labelled tickets")
    click.echo("held-out accuracy: " + ("n/a" if accuracy is None else f"{accuracy:.3f}"))
    for code, figures in sorted((result.report or {}).items()):
        click.echo(
            f"  {code:<12} precision {figures['precision']:.3f}  recall {figures['recall']:.3f}"
            f"  n={figures['support']}"
        )
    if result.activated:
        click.echo("activated: every worker uses it within a minute")
    else:
        click.echo("not activated: too few labelled tickets (see --min-samples)")
