"""Large CSV/XLSX exports for inspectors, written to instance/exports with progress in job.meta."""

from __future__ import annotations

import logging
from typing import Any

from flask_babel import force_locale
from rq import get_current_job

from hotline.staff.dashboard import exports

log = logging.getLogger(__name__)


def run_export(
    kind: str, fmt: str, args: dict[str, Any], export_id: str, total: int, locale: str = "zh_CN"
) -> dict:
    """Write one export file; the dashboard polls the job's meta for `done` / `total`."""
    job = get_current_job()

    def progress(done: int) -> None:
        if job is not None:
            job.meta.update(done=done, total=total)
            job.save_meta()

    progress(0)
    # No request here: the headers are translated in the language the inspector asked in.
    with force_locale(locale):
        written = exports.run_to_file(
            kind=kind, fmt=fmt, args=args, export_id=export_id, progress=progress
        )
    progress(written)
    log.info("export %s %s.%s: %d rows", export_id, kind, fmt, written)
    return {"rows": written, "file": f"{export_id}.{fmt}"}
