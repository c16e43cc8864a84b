"""Open311 GeoReport v2 endpoints: thin views over open311.service, JSON or XML by extension."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request
from werkzeug.exceptions import HTTPException

from hotline.core.errors import ValidationFailed
from hotline.core.extensions import csrf
from hotline.intake.open311 import service as o311
from hotline.intake.open311.render import error, respond

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")
csrf.exempt(bp)  # machine clients authenticate POSTs with api_key, not a browser session

FMT = "<any(json,xml):fmt>"
CHANGESET = "2026-11-28T00:00:00+08:00"


def _fmt() -> str:
    return (request.view_args or {}).get("fmt", "json")


@bp.errorhandler(o311.Open311Error)
def _open311_error(exc: o311.Open311Error) -> Response:
    return error(_fmt(), exc.status, exc.description)


@bp.errorhandler(ValidationFailed)
def _validation_error(exc: ValidationFailed) -> Response:
    # e.g. the input guard's NUL refusal: Open311 clients read the spec's error array.
    return error(_fmt(), 400, exc.message)


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> Response:
    return error(_fmt(), exc.code or 500, exc.description or exc.name)


@bp.get(f"/discovery.{FMT}")
def discovery(fmt: str) -> Response:
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    body = {
        "changeset": CHANGESET,
        "contact": "12345 政务服务便民热线",
        "key_service": "api_key is issued by the hotline's administrators",
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": f"{base}/open311/v2",
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
    return respond(fmt, "discovery", body)


def _service(category: o311.Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": bool(category.attributes),
        "type": "realtime",
        "keywords": category.keywords,
        "group": category.group,
    }


@bp.get(f"/services.{FMT}")
def services(fmt: str) -> Response:
    return respond(fmt, "services", [_service(c) for c in o311.services()])


@bp.get(f"/services/<code>.{FMT}")
def service_definition(code: str, fmt: str) -> Response:
    category = o311.service(code)
    attributes = [
        {
            "variable": bool(a.get("variable", True)),
            "code": a["code"],
            "datatype": a.get("datatype", "string"),
            "required": bool(a.get("required", False)),
            "datatype_description": a.get("datatype_description"),
            "order": a.get("order", position),
            "description": a.get("description"),
            "values": [
                {"key": str(v["key"]), "name": str(v["name"])} for v in a.get("values") or []
            ],
        }
        for position, a in enumerate(category.attributes or [], start=1)
    ]
    body = {"service_code": category.code, "attributes": attributes}
    return respond(fmt, "service_definition", body)


@bp.get(f"/requests.{FMT}")
def list_requests(fmt: str) -> Response:
    tickets = o311.find_requests(o311.parse_filters(request.args))
    return respond(fmt, "service_requests", [o311.as_request(t) for t in tickets])


@bp.post(f"/requests.{FMT}")
def create_request(fmt: str) -> Response:
    key = o311.authenticate(request.form.get("api_key"))
    created = o311.create_request(form=request.form, api_key=key)
    body = [{**created, "service_notice": None, "account_id": request.form.get("account_id")}]
    return respond(fmt, "service_requests", body, status=201)


@bp.get(f"/requests/<number>.{FMT}")
def get_request(number: str, fmt: str) -> Response:
    return respond(fmt, "service_requests", [o311.as_request(o311.get_request(number))])


@bp.get(f"/tokens/<token>.{FMT}")
def get_token(token: str, fmt: str) -> Response:
    return respond(fmt, "service_requests", [o311.resolve_token(token)])
