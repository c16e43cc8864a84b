"""The unit page's campaign sections, each a read function of the unit's id and the template
block that shows what it returns. The campaign's domain code plugs them in by adding a `Section`
to `SECTIONS`; a section that is not plugged in is simply absent from the page (never filled with
example data). docs/CAMPAIGN.md "The public site" gives the same contract.

negative_list (负面清单 and its plan), template `public/_negative_list.html`, read
`approved_items(unit_id) -> Sequence`: only items an inspector approved, each with
    title: str, description: str | None, measures: str, responsible_person: str | None,
    milestones: Sequence of {step: str, due: date | datetime, done_at: date | datetime | None}.

commitments (承诺 of the unit and its named service staff), template `public/_commitments.html`,
read `public_commitments(unit_id) -> Sequence`: only public ones, each with
    staff_name: str | None (None: the unit's own commitment), text: str, measure: str | None,
    breaches: int (breaches recorded against it), kept: bool | None (None while it runs).

Items may be objects or mappings (Jinja reads `item.title` from either). Both reads run when the
page is rendered for the cache; the services that approve an item or record a breach call
`hotline.core.pagecache.invalidate_after_commit(PUBLIC_SITE)` so the page changes at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from hotline.campaign.commitments import fulfilment
from hotline.campaign.lists import progress
from hotline.core.clock import to_local


@dataclass(frozen=True)
class Section:
    """One plugged-in section of the unit page."""

    name: str  # negative_list | commitments
    template: str
    read: Callable[[int], Sequence[Any]]


def _commitments(unit_id: int) -> list[dict[str, Any]]:
    """The unit's commitments as the section shows them: kept is False once broken this year,
    else the last written year's verdict, None while the first year runs."""
    return [
        {
            "staff_name": c.staff_name,
            "text": c.text,
            "measure": c.measure,
            "breaches": c.breaches,
            "kept": False if c.breaches_this_year else (c.years[-1][1] if c.years else None),
        }
        for c in fulfilment.public_commitments(unit_id)
    ]


SECTIONS: list[Section] = [
    Section("negative_list", "public/_negative_list.html", progress.approved_items),
    Section("commitments", "public/_commitments.html", _commitments),
]


def read_all(unit_id: int) -> list[tuple[Section, Sequence[Any]]]:
    """Each plugged-in section with what it reads for the unit, in the order plugged in."""
    return [(section, section.read(unit_id)) for section in SECTIONS]


def _day(value: date | datetime | str | None) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        return to_local(value).date() if value.tzinfo else value.date()
    return value


def local_day(value: date | datetime | str | None) -> str:
    """A due or done date as the page shows it (YYYY-MM-DD, local), "" for none."""
    day = _day(value)
    return day.isoformat() if day else ""


def milestone_state(milestone: Any, today: date) -> str:
    """done_on_time, done_late, overdue or pending: where one plan milestone stands."""
    get = milestone.get if isinstance(milestone, dict) else lambda k: getattr(milestone, k, None)
    due, done = _day(get("due")), _day(get("done_at"))
    if done is not None:
        return "done_on_time" if due is None or done <= due else "done_late"
    return "overdue" if due is not None and due < today else "pending"
