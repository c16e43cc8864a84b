"""Evidence files of an inspection and of the head's answers, stored by hotline/core/uploads.py
under <uploads>/inspections/<inspection id>/ and listed in inspection_files."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from hotline.campaign.inspections.models import InspectionFile
from hotline.core import uploads
from hotline.core.errors import NotFound
from hotline.core.extensions import db
from hotline.core.grouped import rows_by


def folder(inspection_id: int) -> Path:
    """Where an inspection's files are kept."""
    return uploads.root() / "inspections" / str(inspection_id)


def check(files: list[FileStorage] | None) -> list[uploads.Checked]:
    """The files sent, checked (422 naming `files`), before anything is stored."""
    return uploads.check(list(files or []))


def attach(
    checked: list[uploads.Checked],
    *,
    inspection_id: int,
    actor_id: int | None,
    now: datetime,
    answer_id: int | None = None,
) -> list[InspectionFile]:
    """Store checked files and flush their rows; the last step of a service, after every check,
    so only the request's commit can still fail (a failing flush removes them again)."""
    stored = uploads.store(checked, folder(inspection_id))
    rows = [
        InspectionFile(
            inspection_id=inspection_id,
            answer_id=answer_id,
            name=name,
            label=item.label,
            size=size,
            uploaded_by=actor_id,
            uploaded_at=now,
        )
        for item, (name, size) in zip(checked, stored, strict=True)
    ]
    try:
        db.session.add_all(rows)
        db.session.flush()
    except Exception:
        uploads.remove(folder(inspection_id), [name for name, _size in stored])
        raise
    return rows


def of_inspection(inspection_id: int) -> list[InspectionFile]:
    """The visit's own evidence (not the answers'), oldest first."""
    return list(
        db.session.scalars(
            select(InspectionFile)
            .where(
                InspectionFile.inspection_id == inspection_id, InspectionFile.answer_id.is_(None)
            )
            .order_by(InspectionFile.id)
        )
    )


def find(inspection_id: int, name: str) -> InspectionFile:
    """A file of this inspection by its stored name (404 for any other name)."""
    row = db.session.scalar(
        select(InspectionFile).where(
            InspectionFile.inspection_id == inspection_id, InspectionFile.name == name[:64]
        )
    )
    if row is None:
        raise NotFound(f"no file {name!r} of inspection {inspection_id}")
    return row


def of_inspections(inspection_ids: set[int]) -> dict[int, list[InspectionFile]]:
    """The visits' own evidence of several inspections, in one query."""
    return rows_by(
        InspectionFile.inspection_id,
        inspection_ids,
        InspectionFile.id,
        where=[InspectionFile.answer_id.is_(None)],
    )
