"""Who may open which staff page: role checks, each role's home page, the current actor."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, current_app, request
from flask_login import current_user, login_required

from hotline.core.actor import FILER_ROLES, Actor, Role

# Each role lands on its own page after login (DESIGN §5 staff pages).
HOME_BY_ROLE: dict[str, str] = {
    Role.operator: "console.index",
    Role.supervisor: "console.index",
    Role.unit_agent: "workbench.index",
    Role.unit_head: "workbench.index",
    Role.inspector: "dashboard.index",
    Role.admin: "admin.index",
    Role.special_supervisor: "supervise.index",
}
# Staff areas open to a signed-in special supervisor: signing in and out, and the home redirect.
OPEN_TO_FILERS = frozenset({"signin.login", "signin.logout", "pages.home"})


def home_endpoint(role: str | None) -> str:
    """The endpoint a user of `role` lands on."""
    return HOME_BY_ROLE.get(role or "", "signin.login")


def current_actor() -> Actor:
    """The logged-in user as the services' Actor."""
    return Actor.of(current_user._get_current_object())


def role_required(*roles: str) -> Callable:
    """Login first (redirect), then 403 for a role not in `roles`."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def keep_out_filers() -> None:
    """403 on every staff page (any blueprint under hotline.staff) for a signed-in special
    supervisor, whose pages are /supervise: no staff view, however it checks roles, can show
    them a ticket or a unit's work, and a staff area added later is closed to them too."""
    blueprint = current_app.blueprints.get(request.blueprint or "")
    if (
        blueprint is not None
        and blueprint.import_name.startswith("hotline.staff.")
        and request.endpoint not in OPEN_TO_FILERS
        and current_user.is_authenticated
        and current_user.role in FILER_ROLES
    ):
        abort(403)


HOTLINE = (Role.operator, Role.supervisor)
UNIT = (Role.unit_agent, Role.unit_head)
