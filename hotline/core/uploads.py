"""Staff uploads (reply attachments, inspection evidence): checked, then stored under random names.

The request's size is capped before this runs (web/body_limit.py, `accepts_uploads`). Here a
file must have an allowed suffix and begin as a file of that type does (a renamed executable is
refused), at most MAX_FILES per request. Nothing of the name as sent reaches the disk: the
stored name is random plus the checked suffix, and the name as sent is kept only as a label to
show, reduced to its last part without control characters.
"""

from __future__ import annotations

import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from flask import current_app
from werkzeug.datastructures import FileStorage

from hotline.core.errors import ValidationFailed

MAX_FILES = 5
LABEL_MAX = 100
_ZIP = (b"PK\x03\x04",)  # docx, xlsx
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)  # doc, xls
# Each allowed suffix and how a file of that type begins.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".pdf": (b"%PDF-",),
    ".doc": _OLE,
    ".xls": _OLE,
    ".docx": _ZIP,
    ".xlsx": _ZIP,
}
ALLOWED_SUFFIXES = frozenset(SIGNATURES)


@dataclass(frozen=True)
class Checked:
    """An upload that passed the checks: its suffix and the label to show for it."""

    upload: FileStorage
    suffix: str
    label: str


def label(filename: str | None) -> str:
    """The name as sent, safe to show: its last path part, no control characters, shortened."""
    last = PurePosixPath((filename or "").replace("\\", "/")).name
    shown = "".join(c for c in last if unicodedata.category(c)[0] != "C").strip()
    return (shown if shown.strip(".") else "file")[:LABEL_MAX]


def _suffix(filename: str | None) -> str:
    # From the name as sent: secure_filename drops non-ASCII, so "答复.pdf" would lose it.
    return PurePosixPath((filename or "").replace("\\", "/")).suffix.lower()


def _begins_as(upload: FileStorage, suffix: str) -> bool:
    head = upload.stream.read(16)
    upload.stream.seek(0)
    return any(head.startswith(magic) for magic in SIGNATURES[suffix])


def check(files: list[FileStorage], *, field: str = "files") -> list[Checked]:
    """The files actually sent (an empty file input sends none), each checked; 422 naming
    `field` for too many files, a suffix not allowed or content that is not of its type."""
    sent = [f for f in files if f and f.filename]
    if len(sent) > MAX_FILES:
        raise ValidationFailed("too many files", fields={field: [f"at most {MAX_FILES}"]})
    checked = []
    for upload in sent:
        suffix = _suffix(upload.filename)
        if suffix not in ALLOWED_SUFFIXES:
            raise ValidationFailed(
                f"file type {suffix or '?'} not allowed", fields={field: ["not allowed"]}
            )
        if not _begins_as(upload, suffix):
            raise ValidationFailed(
                f"{label(upload.filename)} is not a {suffix} file",
                fields={field: ["content does not match the file type"]},
            )
        checked.append(Checked(upload, suffix, label(upload.filename)))
    return checked


def root() -> Path:
    """Where staff uploads live: UPLOAD_FOLDER, else instance/uploads."""
    return Path(current_app.config["UPLOAD_FOLDER"] or Path(current_app.instance_path) / "uploads")


def store(checked: list[Checked], folder: Path) -> list[tuple[str, int]]:
    """Save each checked file in `folder` under a random name; [(stored name, size)]."""
    stored = []
    for item in checked:
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{uuid.uuid4().hex}{item.suffix}"
        item.upload.save(folder / name)
        stored.append((name, (folder / name).stat().st_size))
    return stored


def remove(folder: Path, names: list[str]) -> None:
    """Delete files stored for work that then failed (nothing will name them)."""
    for name in names:
        (folder / PurePosixPath(name).name).unlink(missing_ok=True)
