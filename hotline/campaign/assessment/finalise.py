"""Finalising a year's assessment (inspectors): a new frozen version, a credit-record entry per
unit, and an interview case (约谈) for each unit that falls short."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import flag_modified

from hotline.campaign.assessment.compute import compute
from hotline.campaign.assessment.models import AssessmentVersion
from hotline.campaign.assessment.service import check_readable_year, latest_version
from hotline.core.actor import Actor, Role
from hotline.core.clock import to_local, utcnow
from hotline.core.errors import Conflict, Forbidden, ValidationFailed
from hotline.core.extensions import db
from hotline.escalations import record
from hotline.escalations.models import InterviewCase, InterviewReason
from hotline.escalations.triggers import open_by_rule

TRIGGER = "assessment"
MAX_REASON = 2_000


def trigger_key(unit_id: int, year: int) -> str:
    """One interview per unit and year, however often the year is finalised."""
    return f"{TRIGGER}:{unit_id}:{year}"


def _reason(reason: str | None, latest: AssessmentVersion | None) -> str | None:
    reason = (reason or "").strip() or None
    if reason and len(reason) > MAX_REASON:
        raise ValidationFailed("reason is too long", fields={"reason": [f"at most {MAX_REASON}"]})
    if latest is not None and reason is None:
        raise ValidationFailed(
            f"reason is required to finalise again (version {latest.version} is final)",
            fields={"reason": ["required to finalise again"]},
        )
    return reason


def _case_id(case: InterviewCase | None, unit_id: int, year: int) -> int | None:
    """The case this finalisation opened or joined; when an earlier version of the year
    already brought the unit to one (the trigger fires once), that case."""
    if case is not None:
        return case.id
    return db.session.scalar(
        select(InterviewReason.interview_id).where(
            InterviewReason.trigger_key == trigger_key(unit_id, year)
        )
    )


def _summary(row: dict, year: int, version: int, ranked: int) -> str:
    place = f"第{row['rank']}名（共{ranked}个单位）" if row["rank"] else "未参与排名"
    verdict = "合格" if row["passed"] else "不合格"
    return f"{year}年度目标考核定稿（第{version}版）：总分{row['total']:.2f}，{place}，{verdict}"


def finalise(
    *, year: int, actor: Actor, reason: str | None = None, now: datetime | None = None
) -> AssessmentVersion:
    """Freeze the year's assessment as computed now into its next version (a reason is required
    from the second on); the heads of units that fall short are called to an interview once."""
    if actor.role != Role.inspector:
        raise Forbidden("only inspectors may finalise the assessment")
    now = now or utcnow()
    check_readable_year(year, now)
    if to_local(now).date() <= date(year, 12, 31):
        raise Conflict(
            f"{year} is not over: its assessment can be finalised from {year + 1}-01-01",
            current_status="draft",
        )
    latest = latest_version(year)
    reason = _reason(reason, latest)
    result = compute(year=year, now=now)
    if not result["ranked"]:
        # A year nobody could be ranked in is no result yet (the wrong year, data not loaded).
        raise Conflict(
            f"no unit reached {result['ranking_min_tickets']} tickets in {year}: nothing to "
            "rank, nothing to finalise",
            current_status="draft",
        )
    number = (latest.version if latest else 0) + 1
    version = AssessmentVersion(
        year=year,
        version=number,
        finalised_at=now,
        finalised_by=actor.user_id,
        reason=reason,
        result=result,
    )
    # Savepoint: an inspector finalising the same year at the same moment took this number.
    try:
        with db.session.begin_nested():
            db.session.add(version)
            db.session.flush()
    except IntegrityError as exc:
        raise Conflict(
            f"version {number} of {year} was just finalised by someone else; reload",
            current_status="final",
        ) from exc
    for row in result["items"]:
        if row["interview"] is not None:
            case = open_by_rule(
                unit_id=row["unit_id"],
                trigger=TRIGGER,
                trigger_key=trigger_key(row["unit_id"], year),
                reason=row["interview"]["reason"],
                now=now,
                data={"year": year, "version": number, "total": row["total"]},
            )
            row["interview"] = {**row["interview"], "case": _case_id(case, row["unit_id"], year)}
        if row["total"] is not None:
            record.add(
                unit_id=row["unit_id"],
                type_="assessment_final",
                summary=_summary(row, year, number, result["ranked"]),
                now=now,
                actor_id=actor.user_id,
                data={"year": year, "version": number, "total": row["total"], "rank": row["rank"]},
            )
    flag_modified(version, "result")  # the rows changed in place: store the case ids too
    db.session.flush()
    return version
