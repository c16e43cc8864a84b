"""Who may print what: the pages' scoping (another unit's → 404, no login → the login page),
audited unmasked reads, a clear 503 without the font, and the 打印 links on the pages."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from hotline.audit.models import AuditEntry
from hotline.core.extensions import db
from tests.factories import escalated, ticket_in


def _audits(via: str | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.action == "read_personal_data")
    return [a for a in db.session.scalars(query) if via is None or a.detail["via"] == via]


def _audit_count() -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == "read_personal_data")
    )


def test_anonymous_callers_are_sent_to_the_login_page(client, staff, supervised) -> None:
    ticket, supervision = supervised
    for url in (f"/tickets/{ticket.number}/print.pdf", f"/escalations/{supervision.id}/letter.pdf"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login" in response.headers["Location"]


def test_another_units_staff_get_404_for_the_ticket_and_its_letter(
    login, staff, supervised
) -> None:
    ticket, supervision = supervised
    client = login(staff.other_agent)
    assert client.get(f"/tickets/{ticket.number}/print.pdf").status_code == 404
    assert client.get(f"/escalations/{supervision.id}/letter.pdf").status_code == 404


@pytest.mark.parametrize("who", ["agent", "head", "operator", "supervisor", "inspector", "admin"])
def test_the_units_own_staff_and_the_hotline_roles_may_print(
    login, staff, supervised, read_pdf, who
) -> None:
    ticket, supervision = supervised
    client = login(getattr(staff, who))
    assert ticket.number in read_pdf(client.get(f"/tickets/{ticket.number}/print.pdf")).flat
    assert ticket.number in read_pdf(client.get(f"/escalations/{supervision.id}/letter.pdf")).flat


def test_unknown_ticket_and_escalation_are_404(login, staff) -> None:
    client = login(staff.inspector)
    assert client.get("/tickets/20260101-999999/print.pdf").status_code == 404
    assert client.get("/tickets/..%2F..%2Fetc%2Fpasswd/print.pdf").status_code == 404
    assert client.get("/escalations/999999/letter.pdf").status_code == 404
    assert client.get("/escalations/x/letter.pdf").status_code == 404


def test_a_letter_for_a_level_other_than_supervision_is_409_with_a_message(
    login, staff, clock
) -> None:
    overdue = escalated(ticket_in("accepted", unit=staff.unit), level="overdue")
    response = login(staff.head).get(
        f"/escalations/{overdue.id}/letter.pdf", headers={"Accept": "application/json"}
    )
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert "supervision" in error["message"]
    assert error["level"] == "overdue"


def test_an_operators_unmasked_print_is_audited_like_the_ticket_page(
    login, staff, clock, read_pdf
) -> None:
    ticket = ticket_in("dispatched", unit=staff.unit, phone="13812345678")
    before = _audit_count()
    response = login(staff.operator).get(f"/tickets/{ticket.number}/print.pdf")
    assert "+8613812345678" in read_pdf(response).flat
    assert response.headers["Cache-Control"] == "no-store"  # no copy left on a shared PC
    assert _audit_count() == before + 1
    (entry,) = _audits(via="ticket_print")
    assert (entry.ticket_id, entry.detail["role"]) == (ticket.id, "operator")


def test_a_units_masked_print_is_not_audited(login, staff, clock, read_pdf) -> None:
    ticket = ticket_in("dispatched", unit=staff.unit, phone="13812345678")
    before = _audit_count()
    printed = read_pdf(login(staff.agent).get(f"/tickets/{ticket.number}/print.pdf"))
    assert "138****5678" in printed.flat
    assert _audit_count() == before


@pytest.mark.parametrize("font", ["/nonexistent/wqy-microhei.ttc", __file__])
def test_without_a_usable_font_the_documents_answer_503_with_a_message(
    app, monkeypatch, login, staff, supervised, font
) -> None:
    """A missing font file, or a file that is no font: a message, never a 500 or boxes."""
    ticket, supervision = supervised
    client = login(staff.operator)
    before = _audit_count()
    monkeypatch.setitem(app.config, "PDF_FONT_PATH", font)
    for url in (f"/tickets/{ticket.number}/print.pdf", f"/escalations/{supervision.id}/letter.pdf"):
        response = client.get(url)
        assert response.status_code == 503, url
        assert "打印字体未安装" in response.get_data(as_text=True)
        api_style = client.get(url, headers={"Accept": "application/json"})
        assert api_style.get_json()["error"]["code"] == "unavailable"
    assert _audit_count() == before  # nothing was shown, nothing is recorded


def test_the_ticket_page_links_to_the_sheet_and_its_supervision_to_the_letter(
    login, staff, supervised
) -> None:
    ticket, supervision = supervised
    html = login(staff.head).get(f"/tickets/{ticket.number}").get_data(as_text=True)
    assert f'href="/tickets/{ticket.number}/print.pdf"' in html
    assert "打印交办单" in html
    assert html.count('data-test="letter"') == 1  # the 督办 row only, not 预警 or 催办
    assert f'href="/escalations/{supervision.id}/letter.pdf"' in html


def test_the_escalation_lists_link_each_supervision_to_its_letter(login, staff, supervised) -> None:
    _, supervision = supervised
    link = f'href="/escalations/{supervision.id}/letter.pdf"'
    assert link in login(staff.head).get("/workbench/escalations").get_data(as_text=True)
    assert link in login(staff.inspector).get("/dashboard/escalations").get_data(as_text=True)


def test_building_the_app_does_not_load_the_pdf_library():
    """fpdf2 (36 MB per process) loads on a process's first print, not in every web and RQ
    worker at start-up."""
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import sys, config; from hotline import create_app; "
        "cfg = config.load(); cfg.SQLALCHEMY_DATABASE_URI = 'sqlite://'; create_app(cfg); "
        "print(sorted(m for m in sys.modules if m == 'fpdf' or m.startswith('fpdf.')))"
    )
    root = Path(__file__).resolve().parents[3]
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
