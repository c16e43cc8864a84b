"""What the console's new-call form needs on every render, and how its answers are told apart
for htmx (the softphone keeps the page, and so the call) and for a plain form post."""

from __future__ import annotations

from typing import Any

from flask import request

from hotline.catalogue import service as catalogue
from hotline.core.errors import HotlineError
from hotline.tickets.models import Kind
from hotline.units import service as units


def is_htmx() -> bool:
    """The request came from htmx: answer with a fragment, never a redirect, so the page (and
    the call on its softphone) stays."""
    return request.headers.get("HX-Request") == "true"


def error_text(exc: HotlineError) -> str:
    """A domain error's message naming its fields."""
    names = ", ".join(exc.fields) if exc.fields else ""
    return exc.message + (f" ({names})" if names else "")


def choices() -> dict[str, Any]:
    """The form's select options: districts, units and kinds (the categories, by their path in
    the tree, come from the `category_choices` template global)."""
    return {
        "districts": catalogue.districts(),
        "units": units.active_units(),
        "kinds": [k.value for k in Kind],
    }
