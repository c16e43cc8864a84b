"""Form posts for every ticket transition; the console, workbench and ticket page share them."""

from __future__ import annotations

import uuid
from pathlib import Path

from flask import abort, current_app, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename
from werkzeug.wrappers import Response

from hotline.core.errors import NotFound, ValidationFailed
from hotline.staff.access import current_actor
from hotline.staff.pages.blueprint import bp
from hotline.staff.pages.ui import run_action
from hotline.tickets import service as tickets
from hotline.tickets import transitions as tx

ALLOWED_UPLOADS = {".jpg", ".jpeg", ".png", ".gif", ".pdf", ".doc", ".docx", ".xls", ".xlsx"}
MAX_FILES = 5


def _form(name: str) -> str:
    return (request.form.get(name) or "").strip()


def _int(name: str, *, required: bool = True) -> int | None:
    raw = _form(name)
    if not raw:
        if required:
            raise ValidationFailed(f"{name} is required", fields={name: ["required"]})
        return None
    try:
        return int(raw)
    except ValueError as exc:
        raise ValidationFailed(f"{name} must be a number", fields={name: ["a number"]}) from exc


def _yes(name: str) -> bool | None:
    raw = _form(name)
    return None if raw == "" else raw in ("1", "yes", "true", "on")


def save_uploads(files: list[FileStorage], *, number: str) -> list[str]:
    """Store a ticket's attachments under instance/uploads/<number>/ with random safe names."""
    files = [f for f in files if f and f.filename]
    if len(files) > MAX_FILES:
        raise ValidationFailed("too many files", fields={"files": [f"at most {MAX_FILES}"]})
    suffixes = [Path(secure_filename(f.filename or "")).suffix.lower() for f in files]
    for suffix in suffixes:
        if suffix not in ALLOWED_UPLOADS:
            raise ValidationFailed(
                f"file type {suffix or '?'} not allowed", fields={"files": ["not allowed"]}
            )
    root = current_app.config["UPLOAD_FOLDER"] or Path(current_app.instance_path) / "uploads"
    folder = Path(root) / number
    urls = []
    for upload, suffix in zip(files, suffixes, strict=True):
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{uuid.uuid4().hex}{suffix}"
        upload.save(folder / name)
        urls.append(url_for("pages.upload", number=number, name=name))
    return urls


def _run(number: str, success: str, call) -> Response:
    actor = current_actor()
    try:
        ticket = tickets.get_by_number(number, actor=actor)
    except NotFound:
        abort(404)
    return run_action(
        lambda: call(ticket, actor),
        success=success,
        default_next=url_for("pages.ticket", number=number),
    )


@bp.route("/tickets/<number>/dispatch", methods=["POST"])
@login_required
def dispatch(number: str) -> Response:
    return _run(
        number,
        _("已派单。"),
        lambda t, a: tx.dispatch(t, actor=a, unit=_form("unit"), reason=_form("reason") or None),
    )


@bp.route("/tickets/<number>/accept", methods=["POST"])
@login_required
def accept(number: str) -> Response:
    return _run(number, _("已签收。"), lambda t, a: tx.accept(t, actor=a))


@bp.route("/tickets/<number>/return", methods=["POST"])
@login_required
def request_return(number: str) -> Response:
    return _run(
        number,
        _("退单申请已提交，等待审核。"),
        lambda t, a: tx.request_return(
            t, actor=a, reason=_form("reason"), suggested_unit=_form("suggested_unit") or None
        ),
    )


@bp.route("/tickets/<number>/extension", methods=["POST"])
@login_required
def request_extension(number: str) -> Response:
    return _run(
        number,
        _("延期申请已提交，等待审核。"),
        lambda t, a: tx.request_extension(t, actor=a, days=_int("days"), reason=_form("reason")),
    )


@bp.route("/tickets/<number>/reply", methods=["POST"])
@login_required
def reply(number: str) -> Response:
    def call(t, a):
        if not _form("text"):
            raise ValidationFailed("text is required", fields={"text": ["required"]})
        media = save_uploads(request.files.getlist("files"), number=t.number)
        return tx.reply(t, actor=a, text=_form("text"), media=media)

    return _run(number, _("已答复。"), call)


@bp.route("/tickets/<number>/callback", methods=["POST"])
@login_required
def callback(number: str) -> Response:
    def call(t, a):
        reached = bool(_yes("reached"))
        return tx.callback(
            t,
            actor=a,
            reached=reached,
            resolved=_yes("resolved") if reached else None,
            satisfaction=_int("satisfaction", required=False) if reached else None,
            note=_form("note") or None,
        )

    return _run(number, _("回访已记录。"), call)


@bp.route("/tickets/<number>/reopen", methods=["POST"])
@login_required
def reopen(number: str) -> Response:
    return _run(
        number, _("已发回重办。"), lambda t, a: tx.reopen(t, actor=a, reason=_form("reason"))
    )


@bp.route("/tickets/<number>/merge", methods=["POST"])
@login_required
def merge(number: str) -> Response:
    return _run(
        number,
        _("已并单。"),
        lambda t, a: tx.merge(t, actor=a, into=_form("into"), reason=_form("reason") or None),
    )


@bp.route("/tickets/<number>/reject", methods=["POST"])
@login_required
def reject(number: str) -> Response:
    return _run(
        number, _("已不予受理。"), lambda t, a: tx.reject(t, actor=a, reason=_form("reason"))
    )


DECISIONS = {
    ("return", "approve"): tx.approve_return,
    ("return", "deny"): tx.deny_return,
    ("extension", "approve"): tx.approve_extension,
    ("extension", "deny"): tx.deny_extension,
}


@bp.route("/tickets/<number>/<kind>/<decision>", methods=["POST"])
@login_required
def decide(number: str, kind: str, decision: str) -> Response:
    func = DECISIONS.get((kind, decision))
    if func is None:
        abort(404)
    return _run(
        number,
        _("已审批。"),
        lambda t, a: func(t, actor=a, reason=_form("reason") or None),
    )
