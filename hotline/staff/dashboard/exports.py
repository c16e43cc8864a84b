"""CSV and XLSX exports of any dashboard list: small ones inline, large ones by a worker job."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from flask import current_app
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from sqlalchemy import func, select

from hotline.core.errors import ValidationFailed
from hotline.core.extensions import db
from hotline.core.xml import xml_text
from hotline.staff.dashboard.queries import export_rows

# Flask adds "; charset=utf-8" to text types itself (naming it here sent it twice).
FORMATS = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# A text cell starting with one of these is a formula to Excel, LibreOffice or Sheets (OWASP
# "CSV injection"): complainants write the descriptions, so `=cmd|' /C calc'!A0` must stay text.
# Full-width forms too: some spreadsheet locales normalise them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def inline_limit() -> int:
    return int(current_app.config["EXPORT_INLINE_MAX_ROWS"])


def export_dir() -> Path:
    folder = Path(
        current_app.config["EXPORT_FOLDER"] or Path(current_app.instance_path) / "exports"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValidationFailed("format must be csv or xlsx", fields={"fmt": ["csv or xlsx"]})
    return fmt


def count_rows(kind: str, args: dict[str, Any]) -> int:
    """How many rows an export would have (the figures table is always small)."""
    _headers, stmt, _rows = export_rows(kind, args)
    if stmt is None:
        return 0
    return db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0


def csv_cell(value: Any) -> Any:
    """A CSV value no spreadsheet evaluates: risky text gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and value != "-":
        return "'" + value
    return value


def xlsx_row(sheet: Any, row: list) -> list:
    """An XLSX row whose text cells are typed as strings, never formulas (the text unchanged)."""
    cells = []
    for value in row:
        if isinstance(value, str):
            # openpyxl refuses control characters XML cannot hold (a 500 on the whole export).
            cell = WriteOnlyCell(sheet, value=xml_text(value))
            cell.data_type = "s"  # openpyxl would store "=…" as a formula
            cells.append(cell)
        else:
            cells.append(value)
    return cells


def write(
    fmt: str,
    headers: list[str],
    rows: Iterable[list],
    out: io.BufferedIOBase,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write `rows` as CSV (UTF-8 with BOM, so Excel opens Chinese right) or XLSX; row count."""
    written = 0
    if fmt == "csv":
        text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
        writer = csv.writer(text)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([csv_cell(value) for value in row])
            written += 1
            if progress and written % 500 == 0:
                progress(written)
        text.detach()
        return written
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(headers)
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
        written += 1
        if progress and written % 500 == 0:
            progress(written)
    book.save(out)
    return written


def render_inline(kind: str, fmt: str, args: dict[str, Any]) -> bytes:
    """The whole export in memory."""
    headers, _stmt, rows = export_rows(kind, args)
    buffer = io.BytesIO()
    write(fmt, headers, rows, buffer)
    return buffer.getvalue()


def new_export_id() -> str:
    return uuid.uuid4().hex


def export_path(export_id: str, fmt: str) -> Path:
    if not export_id.isalnum():
        raise ValidationFailed("bad export id", fields={"id": ["invalid"]})
    return export_dir() / f"{export_id}.{fmt}"


def run_to_file(
    *,
    kind: str,
    fmt: str,
    args: dict[str, Any],
    export_id: str,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write an export to instance/exports/<id>.<fmt> via a temp file; the number of rows."""
    path = export_path(export_id, fmt)
    tmp = path.with_suffix(path.suffix + ".part")
    headers, _stmt, rows = export_rows(kind, args)
    with tmp.open("wb") as out:
        written = write(fmt, headers, rows, out, progress)
    tmp.replace(path)
    return written
