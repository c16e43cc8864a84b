"""`flask seed --demo [--if-empty]`: load the demo data set."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from hotline.core.uow import unit_of_work
from hotline.seed.demo import is_empty, seed_demo


@click.command("seed")
@click.option("--demo", is_flag=True, help="Load the demo units, users, categories and tickets.")
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) if data already exists.")
@click.option("--tickets", "count", default=300, show_default=True, help="How many tickets.")
@with_appcontext
def seed_command(demo: bool, if_empty: bool, count: int) -> None:
    """Load demo data into an empty database."""
    if not demo:
        raise click.UsageError("say what to load: --demo")
    if not is_empty():
        if if_empty:
            click.echo("database already has data: demo seed skipped")
            return
        raise click.ClickException("database is not empty; the demo seed needs a fresh one")
    started = time.monotonic()
    with unit_of_work():
        summary = seed_demo(count=count)
    statuses = summary["tickets"]
    assert isinstance(statuses, dict)
    click.echo(
        f"demo data loaded in {time.monotonic() - started:.1f}s: {summary['units']} units, "
        f"{summary['categories']} categories, {summary['users']} users, "
        f"{sum(statuses.values())} tickets ("
        + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))
        + ")"
    )
    click.echo(
        f"campaign: {summary['negative_list_items']} negative-list items, "
        f"{summary['commitments']} public commitments"
    )
    click.echo(
        f"knowledge base: {summary['knowledge_articles']} articles, "
        f"{summary['resolved_at_source']} consultations resolved at source (直接办结)"
    )
    click.echo(
        "logins: admin/admin123 operator/operator123 supervisor/supervisor123 "
        "inspector/inspector123 agent/agent123 unithead/unithead123"
    )
    click.echo("special supervisors (/supervise): jiandu/jiandu123 zhandian/zhandian123")
