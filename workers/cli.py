"""`flask worker` and `flask scheduler`: the RQ side started with the app built once."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from workers.app import run_worker
from workers.scheduler import run_scheduler


@click.command("worker")
@click.option("--burst", is_flag=True, help="Work until the queues are empty, then exit.")
@click.option(
    "--fork",
    is_flag=True,
    help="Fork a work horse per job (RQ's Worker); the default runs jobs in-process.",
)
@with_appcontext
def worker_command(burst: bool, fork: bool) -> None:
    """Run an RQ worker on all Hotline queues, each job in its own app context."""
    run_worker(current_app._get_current_object(), burst=burst, fork=fork)


@click.command("scheduler")
@click.option("--once", is_flag=True, help="Enqueue what is due now, then exit.")
@with_appcontext
def scheduler_command(once: bool) -> None:
    """Enqueue the periodic jobs of workers/schedule.py, never overlapping, once per slot."""
    enqueued = run_scheduler(current_app._get_current_object(), once=once)
    if once:
        click.echo("enqueued: " + (", ".join(enqueued) or "nothing"))


def register_commands(app: Flask) -> None:
    """Add `flask worker` and `flask scheduler` to an app (wsgi.py and the test apps call this:
    `hotline` itself never imports `workers`)."""
    app.cli.add_command(worker_command)
    app.cli.add_command(scheduler_command)
