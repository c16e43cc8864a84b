"""The ticket page's publication form: a supervisor approves the redacted public text."""

from __future__ import annotations

from flask import request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from hotline.staff.access import current_actor, role_required
from hotline.staff.pages.blueprint import bp
from hotline.staff.pages.ui import run_action
from hotline.tickets import publication
from hotline.tickets import service as tickets


@bp.route("/tickets/<number>/publish", methods=["POST"])
@role_required(*publication.PUBLISHERS)
def publish(number: str) -> Response:
    """Approve publication with the text from the form."""
    actor = current_actor()
    return run_action(
        lambda: publication.publish(
            tickets.get_by_number(number, actor=actor), actor=actor, text=request.form.get("text")
        ),
        success=_("已批准公开（已隐去个人信息）。"),
        default_next=url_for("pages.ticket", number=number),
    )


@bp.route("/tickets/<number>/unpublish", methods=["POST"])
@role_required(*publication.PUBLISHERS)
def unpublish(number: str) -> Response:
    """Take the ticket off the public channels."""
    actor = current_actor()
    return run_action(
        lambda: publication.unpublish(
            tickets.get_by_number(number, actor=actor),
            actor=actor,
            reason=request.form.get("reason"),
        ),
        success=_("已撤回公开。"),
        default_next=url_for("pages.ticket", number=number),
    )
