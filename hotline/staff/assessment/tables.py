"""The assessment shaped for the page and the export, and the weights form read into numbers."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

from hotline.core.clock import format_local
from hotline.core.i18n import current_locale
from hotline.staff.dashboard import exports


def english() -> bool:
    return current_locale() == "en"


def colon() -> str:
    """The colon of the page's language (full-width in Chinese)."""
    return ": " if english() else "："


def enumeration() -> str:
    """What separates the items of a list in a sentence (顿号 in Chinese)."""
    return ", " if english() else "、"


def label(item: Mapping[str, Any]) -> str:
    """A component's or part's label in the page's language."""
    return item["label_en"] if english() else item["label"]


def explanation(part: Mapping[str, Any]) -> str:
    return part["explanation_en"] if english() else part["explanation"]


def unit_name(row: Mapping[str, Any]) -> str:
    unit = row["unit"]
    return (unit.get("name_en") or unit["name"]) if english() else unit["name"]


def status_text(result: Mapping[str, Any]) -> str:
    """草稿 (as of when) or 定稿 第N版 (who, when, why), for the page and the export."""
    if not result["final"]:
        return _("草稿（按 %(at)s 的数据计算）", at=result["computed_at"][:16].replace("T", " "))
    by = result["finalised_by"] or {}
    text = _(
        "已定稿 第%(v)s版（%(who)s，%(at)s）",
        v=result["version"],
        who=by.get("display_name") or by.get("username") or "—",
        at=format_local(result["finalised_at"]),
    )
    return text + (f"{colon()}{result['reason']}" if result["reason"] else "")


def verdict(row: Mapping[str, Any]) -> str:
    if row["total"] is None:
        return _("无数据")
    words = [_("合格") if row["passed"] else _("不合格")]
    if row["last"]:
        words.append(_("末位"))
    return enumeration().join(words)


def chart(series: Mapping[str, Any], result: Mapping[str, Any]) -> dict[str, Any]:
    """The year's chart data with the units named in the page's language."""
    names = {row["unit"]["code"]: unit_name(row) for row in result["items"]}
    units = [{**u, "name": names.get(u["code"], u["name"])} for u in series["units"]]
    return {"months": series["months"], "units": units}


def export_table(result: Mapping[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """Headers and rows: per unit the rank, total, each component's score, share, points and
    explanation, the verdict, the interview reason and the status of the year."""
    headers = [_("排名"), _("单位编码"), _("单位"), _("总分")]
    # Outside the f-string, so that pybabel extract finds them.
    columns = (_("得分"), _("权重%"), _("折合分"), _("说明"))
    for component in result["components"]:
        headers += [f"{label(component)} {column}" for column in columns]
    headers += [_("结果"), _("约谈原因"), _("状态")]
    status = status_text(result)
    rows = []
    for row in result["items"]:
        rank = row["rank"] if row["eligible"] else _("样本不足，不参与排名")
        line: list[Any] = [rank, row["unit"]["code"], unit_name(row), row["total"]]
        for part in row["parts"]:
            line += [part["score"], part["share"], part["points"], explanation(part)]
        interview = row.get("interview") or {}
        line += [verdict(row), interview.get("reason") or "", status]
        rows.append(line)
    return headers, rows


def render_export(result: Mapping[str, Any], fmt: str) -> bytes:
    """The export file, written by the dashboard's writer (formula-looking text stays text)."""
    exports.check_format(fmt)
    headers, rows = export_table(result)
    buffer = io.BytesIO()
    exports.write(fmt, headers, rows, buffer)
    return buffer.getvalue()


def weights_from_form(form: Mapping[str, str], keys: tuple[str, ...]) -> dict[str, Any]:
    """`weight.<key>` fields as numbers; what is not a number stays as typed, so the
    validation names that field."""
    weights: dict[str, Any] = {}
    for key in keys:
        raw = (form.get(f"weight.{key}") or "").strip()
        try:
            weights[key] = float(raw)
        except ValueError:
            weights[key] = raw
    return weights
