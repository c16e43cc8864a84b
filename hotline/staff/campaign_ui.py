"""What the campaign's staff pages share (the workbench's and the dashboard's negative lists and
commitments): their labels, and the plan's milestones as a form posts them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from hotline.core.errors import ValidationFailed

ITEM_STATUS_LABELS = {
    "pending": _l("待审批"),
    "approved": _l("已通过"),
    "returned": _l("已退回"),
}
ITEM_STATUS_TONE = {"pending": "warn", "approved": "ok", "returned": "muted"}
ITEM_EVENT_LABELS = {
    "created": _l("提交新增事项"),
    "edited": _l("修改方案"),
    "approved": _l("审核通过并公开"),
    "returned": _l("被退回修改"),
    "milestone_done": _l("节点完成"),
}
COMMITMENT_STATUS_LABELS = {"active": _l("有效"), "retired": _l("已撤销")}
COMMITMENT_EVENT_LABELS = {
    "created": _l("作出承诺"),
    "breached": _l("违反承诺"),
    "retired": _l("撤销承诺"),
    "kept": _l("年度兑现"),
    "broken": _l("年度未兑现"),
}
# How many empty milestone rows a plan form offers beside the existing ones.
SPARE_ROWS = 3


def labels() -> dict[str, dict]:
    """The label tables the campaign templates read."""
    return {
        "ITEM_STATUS": ITEM_STATUS_LABELS,
        "ITEM_TONE": ITEM_STATUS_TONE,
        "ITEM_EVENTS": ITEM_EVENT_LABELS,
        "COMMITMENT_STATUS": COMMITMENT_STATUS_LABELS,
        "COMMITMENT_EVENTS": COMMITMENT_EVENT_LABELS,
    }


def milestones_from_form(form: MultiDict) -> list[dict]:
    """The plan's rows (`milestone_id`, `step`, `due`, repeated in order); rows left blank are
    skipped. Dates stay text: the service reads them and names a bad one (milestones.N.due)."""
    steps = form.getlist("step")
    dues = form.getlist("due")
    ids = form.getlist("milestone_id")
    if not (len(steps) == len(dues) == len(ids)):
        raise ValidationFailed("the plan's rows are incomplete", fields={"milestones": ["rows"]})
    rows = []
    for raw_id, step, due in zip(ids, steps, dues, strict=True):
        if not raw_id.strip() and not step.strip() and not due.strip():
            continue
        try:
            milestone_id = int(raw_id) if raw_id.strip() else None
        except ValueError as exc:
            raise ValidationFailed(
                "a milestone id is not a number", fields={"milestones": ["id"]}
            ) from exc
        rows.append({"id": milestone_id, "step": step, "due": due, "done_at": None})
    return rows
