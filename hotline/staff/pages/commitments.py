"""The ticket page's breach form: an operator, a supervisor or an inspector records that the
ticket breaks one of its unit's public commitments (承诺)."""

from __future__ import annotations

from flask import request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from hotline.campaign.commitments import breaches
from hotline.core.errors import ValidationFailed
from hotline.staff.access import current_actor, role_required
from hotline.staff.pages.blueprint import bp
from hotline.staff.pages.ui import run_action


def _commitment_id() -> int:
    try:
        return int(request.form.get("commitment", ""))
    except ValueError as exc:
        raise ValidationFailed(
            "choose the commitment the ticket breaks", fields={"commitment": ["required"]}
        ) from exc


@bp.route("/tickets/<number>/breach", methods=["POST"])
@role_required(*breaches.LINKERS)
def breach(number: str) -> Response:
    """Link this ticket to the commitment it breaks, with a note."""
    return run_action(
        lambda: breaches.add_breach(
            commitment_id=_commitment_id(),
            actor=current_actor(),
            ticket=number,
            note=request.form.get("note"),
        ),
        success=_("违诺已记录，并记入单位信用档案。"),
        default_next=url_for("pages.ticket", number=number),
    )
