"""Hostile text in exports: complainants write the descriptions inspectors open in a spreadsheet."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.factories import ticket_in

HOSTILE = [
    "=cmd|' /C calc'!A0",
    "+SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    '＝HYPERLINK("http://evil.example")',
]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_formula_in_a_description_stays_text_in_csv_and_xlsx(login, staff, clock, text) -> None:
    clock.set("2026-10-09T09:00:00+08:00")
    number = ticket_in("accepted", unit=staff.unit, description=text).number
    clock.set("2026-11-30T09:00:00+08:00")  # overdue, so it is on the exported list
    client = login(staff.inspector)

    response = client.get("/dashboard/export/overdue.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # charset named once
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    row = next(r for r in rows if r[0] == number)
    assert row[-1] == "'" + text  # a leading apostrophe: shown as text, never evaluated

    xlsx = client.get("/dashboard/export/overdue.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    cells = next(r for r in sheet.iter_rows() if r[0].value == number)
    assert cells[-1].value == text  # the text unchanged ...
    assert cells[-1].data_type == "s"  # ... stored as a string, not a formula


@pytest.mark.parametrize("text", ["\t=1+1", "\r=1+1", "\n@A1"])
def test_leading_whitespace_that_spreadsheets_skip_is_neutralised(text) -> None:
    from hotline.staff.dashboard.exports import csv_cell

    assert csv_cell(text) == "'" + text
    assert csv_cell("-") == "-"  # the empty-value dash is not a formula
    assert csv_cell(42) == 42


def test_ordinary_text_and_numbers_are_exported_unchanged(login, staff, clock) -> None:
    clock.set("2026-10-09T09:00:00+08:00")
    number = ticket_in("accepted", unit=staff.unit, description="路灯不亮 - 已两周").number
    clock.set("2026-11-30T09:00:00+08:00")
    rows = list(
        csv.reader(
            io.StringIO(
                login(staff.inspector).get("/dashboard/export/overdue.csv").data.decode("utf-8-sig")
            )
        )
    )
    row = next(r for r in rows if r[0] == number)
    assert row[-1] == "路灯不亮 - 已两周"


def test_an_interview_commitment_is_neutralised_too(login, staff, clock) -> None:
    from hotline.core.clock import utcnow
    from hotline.core.extensions import db
    from hotline.escalations.models import InterviewCase

    clock.set("2026-10-09T09:00:00+08:00")
    case = InterviewCase(
        unit_id=staff.unit.id,
        trigger="manual",
        opened_at=utcnow(),
        commitment='=HYPERLINK("http://evil.example","整改完成")',
    )
    db.session.add(case)
    db.session.flush()
    body = login(staff.inspector).get("/dashboard/export/interviews.csv").data.decode("utf-8-sig")
    row = next(r for r in csv.reader(io.StringIO(body)) if r[0] == str(case.id))
    assert row[6].startswith("'=HYPERLINK")


def test_control_characters_do_not_break_the_xlsx_export(login, staff, clock) -> None:
    clock.set("2026-10-09T09:00:00+08:00")
    number = ticket_in("accepted", unit=staff.unit, description="噪音\x01\x0b扰民").number
    clock.set("2026-11-30T09:00:00+08:00")
    xlsx = login(staff.inspector).get("/dashboard/export/overdue.xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    cells = next(r for r in sheet.iter_rows() if r[0].value == number)
    assert cells[-1].value == "噪音扰民"
