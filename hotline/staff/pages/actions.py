"""Form posts for every ticket transition, one per row of `transitions.registry.TRANSITIONS`;
the console, workbench and ticket page share them."""

from __future__ import annotations

from pathlib import Path

from flask import abort, request, url_for
from flask_login import login_required
from marshmallow import EXCLUDE, ValidationError
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from hotline.core import uploads
from hotline.core.errors import NotFound, ValidationFailed
from hotline.staff.access import current_actor
from hotline.staff.pages.blueprint import bp
from hotline.staff.pages.ui import run_action
from hotline.tickets import service as tickets
from hotline.tickets.transitions import BY_SLUG, TRANSITIONS, Transition


def save_uploads(files: list[FileStorage], *, number: str) -> list[str]:
    """Store a ticket's attachments under <uploads>/<number>/ (hotline/core/uploads.py)."""
    stored = uploads.store(uploads.check(files), _upload_folder(number))
    return [url_for("pages.upload", number=number, name=name) for name, _size in stored]


def remove_uploads(urls: list[str], *, number: str) -> None:
    """Delete attachments stored for an action that then failed (the ticket never names them)."""
    uploads.remove(_upload_folder(number), [url.rsplit("/", 1)[-1] for url in urls])


def _upload_folder(number: str) -> Path:
    return uploads.root() / number


def _form_body(transition: Transition) -> dict:
    """The posted fields the row's schema knows, loaded as the API loads its JSON body.

    Blank fields count as not sent, so an optional one is None and a required one is missing.
    """
    schema = transition.schema()
    data = {
        name: value
        for name in schema.load_fields
        if (value := (request.form.get(name) or "").strip())
    }
    try:
        return schema.load(data, unknown=EXCLUDE)
    except ValidationError as exc:
        fields = exc.normalized_messages()
        raise ValidationFailed(
            "; ".join(
                f"{name} is required" if "Missing data" in str(problems) else f"{name} is invalid"
                for name, problems in fields.items()
            ),
            fields=fields,
        ) from exc


def _submit(transition: Transition, number: str) -> Response:
    """The one handler of every transition's form: role, ticket, fields, uploads, flash."""
    actor = current_actor()
    try:
        ticket = tickets.get_by_number(number, actor=actor)
    except NotFound:
        abort(404)  # another unit's ticket, as in the API
    if actor.role not in transition.roles:
        abort(403)  # the API answers the same, from the same row

    def action() -> None:
        body = _form_body(transition)
        if not transition.uploads:
            transition.perform(ticket, actor, body)
            return
        # Every check first: a refused reply must leave no file behind.
        transition.guard(ticket, actor, body.get("version"))
        body["media"] = save_uploads(request.files.getlist("files"), number=ticket.number)
        try:
            transition.perform(ticket, actor, body)
        except Exception:
            remove_uploads(body["media"], number=ticket.number)
            raise

    return run_action(
        action,
        success=str(transition.done),
        default_next=url_for("pages.ticket", number=number),
    )


def _register(transition: Transition) -> None:
    """POST /tickets/<number>/<slug> as endpoint `pages.<name>` (decisions share `decide`)."""

    @login_required
    def view(number: str) -> Response:
        return _submit(transition, number)

    bp.add_url_rule(
        f"/tickets/<number>/{transition.slug}",
        endpoint=transition.name,
        view_func=view,
        methods=["POST"],
    )


for _transition in TRANSITIONS:
    if "/" not in _transition.slug:
        _register(_transition)


@bp.route("/tickets/<number>/<kind>/<decision>", methods=["POST"])
@login_required
def decide(number: str, kind: str, decision: str) -> Response:
    """Approve or deny a pending return or extension: `return/approve`, `extension/deny`…"""
    transition = BY_SLUG.get(f"{kind}/{decision}")
    if transition is None:
        abort(404)
    return _submit(transition, number)
