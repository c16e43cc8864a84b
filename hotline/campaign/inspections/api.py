"""API: /inspections (record, list, read, evidence files) and /findings (list, read, answer,
accept, send back); thin views over service.py and findings.py."""

from __future__ import annotations

import math
from typing import Any

from flask import Response, request, send_from_directory
from flask_smorest import Blueprint
from marshmallow import ValidationError
from sqlalchemy import Select, func, select

from hotline.campaign.inspections import files, findings, history, service
from hotline.campaign.inspections.models import Finding, Inspection
from hotline.campaign.inspections.schemas import (
    FindingAnswerBody,
    FindingArgs,
    FindingPageSchema,
    FindingRejectBody,
    FindingSchema,
    InspectionArgs,
    InspectionBody,
    InspectionPageSchema,
    InspectionSchema,
)
from hotline.core.actor import Actor
from hotline.core.bearer import BEARER, token_required
from hotline.core.errors import ValidationFailed
from hotline.core.extensions import csrf, db
from hotline.core.idempotency import idempotent
from hotline.core.uploads import MAX_FILES
from hotline.core.web.body_limit import accepts_uploads

blp = Blueprint(
    "inspections",
    __name__,
    description=(
        "Spot checks (明察暗访) and special inspections, their findings and rectification. "
        "Inspectors record and review; a unit's head answers its findings; a unit's staff read "
        "only their unit's (others answer 404). Every POST accepts an `Idempotency-Key`."
    ),
)
csrf.exempt(blp)  # bearer-token calls carry no cookie, so there is nothing to forge
# Evidence files come with these two; every other call takes small bodies.
accepts_uploads("inspections.add_inspection_files")
accepts_uploads("inspections.answer_finding")

_FILES = {
    "type": "array",
    "items": {"type": "string", "format": "binary"},
    "maxItems": MAX_FILES,
    "description": "jpg, png, gif, pdf, doc(x), xls(x); content must match the type",
}
_TEXT = {"type": "string", "minLength": 1, "maxLength": service.MAX_TEXT}
ANSWER_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {"type": "object", "required": ["text"], "properties": {"text": _TEXT}}
        },
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["text"],
                "properties": {"text": _TEXT, "files": _FILES},
            }
        },
    },
}
FILES_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {"type": "object", "required": ["files"], "properties": {"files": _FILES}}
        }
    },
}


def _paged(query: Select, page: int, per_page: int) -> dict[str, Any]:
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = list(db.session.scalars(query.offset((page - 1) * per_page).limit(per_page)))
    pages = math.ceil(total / per_page) if total else 0
    return {"items": items, "page": page, "per_page": per_page, "total": total, "pages": pages}


def _full(inspection: Inspection) -> dict[str, Any]:
    """One inspection with its findings, its own evidence files and its history."""
    db.session.flush()  # the answer shows what the request's commit will store
    data = {name: getattr(inspection, name) for name in Inspection.__table__.columns.keys()}  # noqa: SIM118
    data |= {
        "unit": inspection.unit,
        "findings": inspection.findings,
        "files": files.of_inspection(inspection.id),
        "history": history.events_of(inspection.id),
    }
    return data


def _uploads() -> list:
    return request.files.getlist("files")


@blp.route("/inspections", methods=["POST"])
@blp.doc(security=BEARER)
@token_required()
@idempotent
@blp.arguments(InspectionBody)
@blp.response(201, InspectionSchema)
def create_inspection(body: dict, *, actor: Actor) -> dict:
    """An inspector records a visit and its findings, each with a rectification due."""
    drafts = [service.FindingDraft(**f) for f in body["findings"]]
    inspection = service.create(
        actor=actor,
        kind=body["kind"],
        unit=body["unit"],
        visited_on=body["date"],
        findings=drafts,
        note=body.get("note"),
    )
    return _full(inspection)


@blp.route("/inspections")
@blp.doc(security=BEARER)
@token_required()
@blp.arguments(InspectionArgs, location="query")
@blp.response(200, InspectionPageSchema)
def list_inspections(args: dict, *, actor: Actor) -> dict:
    """Inspections, the latest visit first, by unit code, status and kind (paged)."""
    query = service.list_query(
        actor=actor, unit=args.get("unit"), status=args.get("status"), kind=args.get("kind")
    )
    return _paged(query, args["page"], args["per_page"])


@blp.route("/inspections/<int:inspection_id>")
@blp.doc(security=BEARER)
@token_required()
@blp.response(200, InspectionSchema)
def get_inspection(inspection_id: int, *, actor: Actor) -> dict:
    """One inspection with its findings, evidence files and history."""
    return _full(service.get(inspection_id=inspection_id, actor=actor))


@blp.route("/inspections/<int:inspection_id>/files", methods=["POST"])
@blp.doc(security=BEARER, requestBody=FILES_BODY)
@token_required()
@idempotent
@blp.response(200, InspectionSchema)
def add_inspection_files(inspection_id: int, *, actor: Actor) -> dict:
    """An inspector adds evidence files to a visit (multipart, field `files`)."""
    return _full(service.add_files(inspection_id=inspection_id, actor=actor, uploads=_uploads()))


@blp.route("/inspections/<int:inspection_id>/files/<name>")
@blp.doc(security=BEARER)
@token_required()
@blp.response(200, content_type="application/octet-stream")
def get_file(inspection_id: int, name: str, *, actor: Actor) -> Response:
    """One evidence file of the inspection (the visit's or an answer's)."""
    inspection = service.get(inspection_id=inspection_id, actor=actor)
    row = files.find(inspection.id, name)
    return send_from_directory(
        files.folder(inspection.id),
        row.name,
        mimetype="application/octet-stream",
        as_attachment=True,
        download_name=row.label,
    )


@blp.route("/findings")
@blp.doc(security=BEARER)
@token_required()
@blp.arguments(FindingArgs, location="query")
@blp.response(200, FindingPageSchema)
def list_findings(args: dict, *, actor: Actor) -> dict:
    """Findings, the soonest due first, by unit code, status and overdue (paged)."""
    query = findings.list_query(
        actor=actor, unit=args.get("unit"), status=args.get("status"), overdue=args.get("overdue")
    )
    return _paged(query, args["page"], args["per_page"])


@blp.route("/findings/<int:finding_id>")
@blp.doc(security=BEARER)
@token_required()
@blp.response(200, FindingSchema)
def get_finding(finding_id: int, *, actor: Actor) -> Finding:
    """One finding with the head's answers and the inspector's decisions."""
    return findings.get(finding_id=finding_id, actor=actor)


def _answer_text() -> str:
    """`text` from a JSON body or a multipart form, checked as FindingAnswerBody (422 naming it)."""
    if request.mimetype == "multipart/form-data":
        data = {k: v for k, v in request.form.items() if k == "text"}
    else:
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise ValidationFailed("text is required", fields={"text": ["required"]})
    try:
        return FindingAnswerBody().load(data, unknown="exclude")["text"]
    except ValidationError as exc:
        fields = exc.normalized_messages()
        raise ValidationFailed(
            "invalid fields: " + ", ".join(sorted(fields)), fields=fields
        ) from exc


@blp.route("/findings/<int:finding_id>/answer", methods=["POST"])
@blp.doc(security=BEARER, requestBody=ANSWER_BODY)
@token_required()
@idempotent
@blp.response(200, FindingSchema)
def answer_finding(finding_id: int, *, actor: Actor) -> Finding:
    """The unit head answers a finding: `text`, and evidence `files` when sent as multipart."""
    text = _answer_text()
    uploads = _uploads() if request.mimetype == "multipart/form-data" else []
    finding = findings.answer(finding_id=finding_id, actor=actor, text=text, uploads=uploads)
    db.session.flush()
    return finding


@blp.route("/findings/<int:finding_id>/accept", methods=["POST"])
@blp.doc(security=BEARER)
@token_required()
@idempotent
@blp.response(200, FindingSchema)
def accept_finding(finding_id: int, *, actor: Actor) -> Finding:
    """An inspector accepts the head's answer: the finding is rectified (answered only)."""
    finding = findings.accept(finding_id=finding_id, actor=actor)
    db.session.flush()
    return finding


@blp.route("/findings/<int:finding_id>/reject", methods=["POST"])
@blp.doc(security=BEARER)
@token_required()
@idempotent
@blp.arguments(FindingRejectBody)
@blp.response(200, FindingSchema)
def reject_finding(body: dict, finding_id: int, *, actor: Actor) -> Finding:
    """An inspector sends the head's answer back with a `reason` (answered → open)."""
    finding = findings.reject(finding_id=finding_id, actor=actor, reason=body["reason"])
    db.session.flush()
    return finding
