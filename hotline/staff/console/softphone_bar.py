"""The softphone bar every console page carries (each console blueprint registers it)."""

from __future__ import annotations

from flask import g
from flask_login import current_user

from hotline.calls import softphone
from hotline.core.web.csp import offer_softphone
from hotline.staff.access import HOTLINE
from hotline.staff.console import forms


def carry_softphone() -> None:
    """Console pages carry the softphone for operators and supervisors (and only they may
    reach Twilio); htmx fragments are parts of a page that has it already."""
    if forms.is_htmx() or not current_user.is_authenticated or current_user.role not in HOTLINE:
        return
    offer_softphone()
    row = softphone.presence_of(current_user.id)
    g.softphone_state = row.state if row is not None else "away"
