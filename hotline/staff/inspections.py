"""What the inspection pages of the dashboard and the workbench share: their labels (template
globals) and serving an evidence file to whoever may read its inspection."""

from __future__ import annotations

from flask import Flask, Response, send_from_directory
from flask_babel import lazy_gettext as _l

from hotline.campaign.inspections import files, service
from hotline.staff.access import current_actor

KIND_LABELS = {"mystery_visit": _l("明察暗访"), "special": _l("专项检查")}
SEVERITY_LABELS = {"minor": _l("一般"), "major": _l("较重"), "severe": _l("严重")}
# badge classes
SEVERITY_TONE = {"minor": "tone-info", "major": "tone-warn", "severe": "lvl-supervision"}
FINDING_LABELS = {"open": _l("待整改"), "answered": _l("待审核"), "rectified": _l("已整改")}
FINDING_TONE = {"open": "tone-warn", "answered": "tone-info", "rectified": "tone-ok"}
INSPECTION_STATUS_LABELS = {"open": _l("整改中"), "closed": _l("已完成"), "overdue": _l("有逾期")}
HISTORY_LABELS = {
    "recorded": _l("记录检查"),
    "files_added": _l("补充材料"),
    "answered": _l("反馈整改"),
    "accepted": _l("确认整改"),
    "rejected": _l("退回整改"),
    "overdue": _l("整改逾期"),
    "interview": _l("纳入约谈"),
    "closed": _l("全部整改"),
}


def register(app: Flask) -> None:
    """The labels as template globals, once per app."""
    app.add_template_global(
        {
            "kind": KIND_LABELS,
            "severity": SEVERITY_LABELS,
            "severity_tone": SEVERITY_TONE,
            "finding": FINDING_LABELS,
            "finding_tone": FINDING_TONE,
            "status": INSPECTION_STATUS_LABELS,
            "history": HISTORY_LABELS,
        },
        "INSPECTION_LABELS",
    )


def send_file(inspection_id: int, name: str) -> Response:
    """An evidence file, shown in the browser (images, PDF) to who may read the inspection;
    404 for another unit's or an unknown name."""
    inspection = service.get(inspection_id=inspection_id, actor=current_actor())
    row = files.find(inspection.id, name)
    return send_from_directory(files.folder(inspection.id), row.name, download_name=row.label)
