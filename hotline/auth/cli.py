"""`flask users …`: staff accounts from the command line."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from hotline.auth.users import create_user
from hotline.core.actor import Role
from hotline.core.errors import HotlineError
from hotline.core.uow import unit_of_work


@click.group("users")
def users_group() -> None:
    """Manage staff users."""


@users_group.command("create")
@click.option("--username", required=True)
@click.option("--password", required=True)
@click.option("--role", required=True, help="One of: " + ", ".join(r.value for r in Role))
@click.option(
    "--unit",
    "unit",
    default=None,
    help="Unit code (unit roles; a monitoring station for special_supervisor).",
)
@click.option("--name", "display_name", default=None, help="Display name.")
@with_appcontext
def create_command(
    username: str, password: str, role: str, unit: str | None, display_name: str | None
) -> None:
    """Create a staff user."""
    try:
        with unit_of_work():
            user = create_user(
                username=username,
                password=password,
                role=role,
                unit=unit,
                display_name=display_name,
            )
            name, user_role = user.username, user.role
    except HotlineError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"created user {name} ({user_role}{', ' + unit if unit else ''})")
