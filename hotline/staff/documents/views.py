"""GET /tickets/<number>/print.pdf (交办单) and GET /escalations/<id>/letter.pdf (督办函): the
same scoping as the pages they are printed from (another unit's → 404)."""

from __future__ import annotations

from flask import Blueprint, Response, abort
from flask_login import login_required

from hotline.audit.service import record_personal_data_reads
from hotline.core.clock import utcnow
from hotline.core.errors import NotFound
from hotline.core.i18n import current_locale
from hotline.staff.access import current_actor
from hotline.staff.documents import queries

bp = Blueprint("documents", __name__)

# _pdf_modules_on_first_print: the renderers import fpdf2 (with fontTools and Pillow), 36 MB of
# memory in every process that imports it; they load on a process's first print instead of in
# every web worker, RQ worker and CLI command at start-up.


def _pdf(body: bytes, filename: str) -> Response:
    """Shown in the browser's viewer (inline), saved under a plain ASCII name."""
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _lang() -> str:
    return "en" if current_locale() == "en" else "zh-CN"


@bp.route("/tickets/<number>/print.pdf")
@login_required
def ticket_pdf(number: str) -> Response:
    actor, now = current_actor(), utcnow()
    try:
        sheet = queries.ticket_sheet(number, actor=actor, now=now)
    except NotFound:
        abort(404)  # another unit's ticket, as on the ticket page
    from hotline.staff.documents import ticket_sheet  # fpdf2: see _pdf_modules_on_first_print

    body = ticket_sheet.render(sheet, lang=_lang())
    if sheet.person.full and sheet.ticket.complainant_phone:
        # DESIGN §1: a printed unmasked phone is a read of personal data like the page's.
        record_personal_data_reads(
            actor=actor, ticket_ids=[sheet.ticket.id], now=now, via="ticket_print"
        )
    return _pdf(body, f"ticket-{sheet.ticket.number}.pdf")


@bp.route("/escalations/<int:escalation_id>/letter.pdf")
@login_required
def letter_pdf(escalation_id: int) -> Response:
    actor, now = current_actor(), utcnow()
    try:
        shown = queries.supervision_letter(escalation_id, actor=actor, now=now)
    except NotFound:
        abort(404)  # another unit's escalation
    from hotline.staff.documents import letter  # fpdf2: see _pdf_modules_on_first_print

    return _pdf(letter.render(shown, lang=_lang()), f"supervision-letter-{shown.number}.pdf")
