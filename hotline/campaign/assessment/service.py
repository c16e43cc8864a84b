"""Reading a year's assessment: the latest final version, or the draft computed now; who may
read which rows; the versions; the hotline's monthly composite per unit for the year's chart."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from hotline.auth.models import User
from hotline.campaign.assessment.compute import compute
from hotline.campaign.assessment.models import AssessmentVersion
from hotline.campaign.assessment.weights import check_year
from hotline.core.actor import Actor, Role
from hotline.core.clock import to_local, utcnow
from hotline.core.errors import Forbidden, NotFound, ValidationFailed
from hotline.core.extensions import db
from hotline.metrics import service as metrics

READ_ROLES = frozenset({Role.inspector, Role.admin, Role.unit_head})
READ_ALL_ROLES = frozenset({Role.inspector, Role.admin})


def check_readable_year(year: int, now: datetime) -> int:
    """A year in range that has begun (else 422 naming `year`)."""
    check_year(year)
    if year > to_local(now).year:
        raise ValidationFailed(f"year {year} has not begun", fields={"year": ["not begun yet"]})
    return year


def latest_version(year: int) -> AssessmentVersion | None:
    """The year's last finalisation, if any."""
    return db.session.scalar(
        select(AssessmentVersion)
        .where(AssessmentVersion.year == year)
        .order_by(AssessmentVersion.version.desc())
        .limit(1)
    )


def list_versions(year: int) -> list[AssessmentVersion]:
    """Every finalisation of the year, the latest first."""
    return list(
        db.session.scalars(
            select(AssessmentVersion)
            .where(AssessmentVersion.year == year)
            .order_by(AssessmentVersion.version.desc())
        )
    )


def who(user_ids: set[int | None]) -> dict[int, dict[str, str | None]]:
    """{user id: {"username", "display_name"}} for the finalisers, in one query."""
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    users = db.session.scalars(select(User).where(User.id.in_(ids)))
    return {u.id: {"username": u.username, "display_name": u.display_name} for u in users}


def version_meta(row: AssessmentVersion, users: dict[int, dict[str, str | None]]) -> dict:
    """Who finalised a version, when and why."""
    return {
        "version": row.version,
        "finalised_at": row.finalised_at,
        "finalised_by": users.get(row.finalised_by) if row.finalised_by else None,
        "reason": row.reason,
    }


def _require_reader(actor: Actor) -> None:
    if actor.role not in READ_ROLES:
        raise Forbidden("only inspectors, admins and unit heads may read the assessment")


def read(
    *,
    year: int,
    actor: Actor,
    version: int | None = None,
    draft: bool = False,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The year's assessment as the actor may see it: the latest final version (or `version`),
    else the draft computed now (`draft` computes it even after a finalisation). A unit head
    sees its own unit's row only, and no draft once the year is final."""
    _require_reader(actor)
    now = now or utcnow()
    check_readable_year(year, now)
    latest = latest_version(year)
    row: AssessmentVersion | None = None
    if version is not None:
        row = db.session.scalar(
            select(AssessmentVersion).where(
                AssessmentVersion.year == year, AssessmentVersion.version == version
            )
        )
        if row is None:
            raise NotFound(f"no version {version} of the {year} assessment")
    elif draft and latest is not None:
        if actor.role not in READ_ALL_ROLES:
            raise Forbidden("unit heads see the final assessment only")
    else:
        row = latest
    result = dict(row.result) if row is not None else compute(year=year, now=now)
    if row is not None:
        result |= version_meta(row, who({row.finalised_by}))
    else:
        result |= {"version": None, "finalised_at": None, "finalised_by": None, "reason": None}
    result["final"] = row is not None
    result["latest_version"] = latest.version if latest else None
    if actor.role not in READ_ALL_ROLES:
        result["items"] = [r for r in result["items"] if r["unit_id"] == actor.unit_id]
    return result


def versions(*, year: int, actor: Actor, now: datetime | None = None) -> list[dict]:
    """Who finalised each version of the year, when and why (inspectors and admins)."""
    if actor.role not in READ_ALL_ROLES:
        raise Forbidden("only inspectors and admins may list the assessment's versions")
    check_readable_year(year, now or utcnow())
    rows = list_versions(year)
    users = who({r.finalised_by for r in rows})
    return [version_meta(r, users) for r in rows]


def monthly_composite(year: int) -> dict[str, Any]:
    """The hotline composite score per unit and month of `year` (None where a month has no
    rate), for the year's chart: {"months": ["01", …], "units": [{code, name, scores}]}."""
    rows = metrics.figures(start=date(year, 1, 1), end=date(year, 12, 31), period="month")
    months = [f"{m:02d}" for m in range(1, 13)]
    series: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = series.setdefault(
            row["unit"]["code"],
            {"code": row["unit"]["code"], "name": row["unit"]["name"], "scores": [None] * 12},
        )
        entry["scores"][int(row["period"][5:7]) - 1] = row["score"]
    return {"months": months, "units": sorted(series.values(), key=lambda s: s["code"])}
