"""`flask sla due` and `flask calendar import|status`; `sla sweep` and `sla recompute` join the
group from their own domains (hotline/cli.py)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from flask.cli import with_appcontext

from hotline.core.clock import local_tz, utcnow
from hotline.core.errors import ValidationFailed
from hotline.core.uow import unit_of_work
from hotline.sla import admin
from hotline.sla.deadlines import add_hours, add_working_days, format_due
from hotline.sla.service import get_calendar


def parse_instant(value: str | None, name: str) -> datetime:
    if value is None:
        return utcnow()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"not ISO 8601: {value!r}", param_hint=name) from exc
    if parsed.tzinfo is None:
        raise click.BadParameter("needs an offset, e.g. +08:00", param_hint=name)
    return parsed


def warn_missing_years(start: datetime, end: datetime) -> None:
    for year in admin.missing_years(start=start, end=end):
        click.echo(f"WARNING: {admin.warning_for(year)}", err=True)


@click.group("sla", help="The clock: deadlines and the escalation sweep.")
def sla_cli() -> None:
    pass


@sla_cli.command("due")
@click.option("--start", required=True, help="ISO 8601 instant with offset")
@click.option("--working-days", type=click.IntRange(min=0), default=None)
@click.option("--hours", type=click.FloatRange(min=0), default=None)
@with_appcontext
def due_command(start: str, working_days: int | None, hours: float | None) -> None:
    """Print the deadline (ISO 8601 with offset) as the last line."""
    if (working_days is None) == (hours is None):
        raise click.UsageError("give exactly one of --working-days and --hours")
    begin = parse_instant(start, "--start")
    tz = local_tz()
    if working_days is not None:
        deadline = add_working_days(begin, working_days, get_calendar(), tz)
    else:
        deadline = add_hours(begin, hours)
    warn_missing_years(begin, deadline)
    click.echo(format_due(deadline, tz))


@click.group("calendar", help="The working-day calendar (admin overlay).")
def calendar_cli() -> None:
    pass


@calendar_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(file: Path) -> None:
    """Load `date,type,name` rows (type holiday|workday); open deadlines are recomputed."""
    try:
        rows = admin.parse_csv(file.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{file}: not UTF-8 text ({exc})") from exc
    except ValidationFailed as exc:
        for line, problems in exc.fields.items():
            click.echo(f"{file}: {line}: {'; '.join(problems)}", err=True)
        raise click.ClickException(f"{len(exc.fields)} bad line(s); nothing imported") from exc
    with unit_of_work():
        count = admin.import_rows(rows=rows)
    years = sorted({r.day.year for r in rows})
    click.echo(f"imported {count} days for {', '.join(map(str, years)) or '-'}")
    click.echo("open tickets' deadlines will be recomputed in the background")


@calendar_cli.command("status")
@with_appcontext
def status_command() -> None:
    """Which of this and next year are loaded; warns on stderr for those that are not."""
    report = admin.status()
    for year in report["years"]:
        click.echo(f"{year['year']}: {'loaded' if year['loaded'] else 'NOT LOADED'}")
    for warning in report["warnings"]:
        click.echo(f"WARNING: {warning}", err=True)
