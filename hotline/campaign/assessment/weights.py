"""The weights of a year's assessment: an admin's per year, else ASSESSMENT_WEIGHTS, else each
component's default; an admin's must name every registered component and sum to 100."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from flask import current_app

from hotline.audit.service import record_action
from hotline.campaign.assessment import registry
from hotline.campaign.assessment.models import AssessmentWeights
from hotline.core.actor import Actor, Role
from hotline.core.clock import utcnow
from hotline.core.errors import Forbidden, ValidationFailed
from hotline.core.extensions import db
from hotline.core.timebounds import OUT_OF_RANGE, year_in_range

TOTAL = 100.0
# Weights are typed by hand: a hundredth of a point is as fine as anyone means.
TOLERANCE = 0.005
MAX_KEY_ECHO = 40


def defaults() -> dict[str, float]:
    """Every registered component's default weight: ASSESSMENT_WEIGHTS, else its own."""
    configured = current_app.config["ASSESSMENT_WEIGHTS"]
    return {c.key: float(configured.get(c.key, c.default_weight)) for c in registry.components()}


def stored(year: int) -> AssessmentWeights | None:
    """The weights an admin set for `year`, if any."""
    return db.session.get(AssessmentWeights, year)


def effective(year: int) -> tuple[dict[str, float], str]:
    """The weights `year` is scored with and where they come from ("year" or "default").

    A component registered after an admin set the year's weights takes its default weight;
    the total then shares the weights out in proportion (compute.total_of).
    """
    base = defaults()
    row = stored(year)
    if row is None:
        return base, "default"
    return {key: float(row.weights.get(key, base[key])) for key in base}, "year"


def _number_problem(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "must be a number"
    if not math.isfinite(value):
        return "must be a finite number"
    if value < 0:
        return "must not be negative"
    return None


def validate(raw: Any) -> dict[str, float]:
    """{component key: weight} for every registered component, each ≥ 0, summing to 100."""
    known = registry.keys()
    if not isinstance(raw, dict):
        raise ValidationFailed(
            "weights must be an object {component: weight}",
            fields={"weights": [f"an object with the keys {', '.join(known)}"]},
        )
    errors: dict[str, list[str]] = {}
    for key in raw:
        if key not in known:
            errors[str(key)[:MAX_KEY_ECHO]] = [f"unknown component; one of {', '.join(known)}"]
    for key in known:
        problem = "required" if key not in raw else _number_problem(raw[key])
        if problem:
            errors[key] = [problem]
    if errors:
        named = "; ".join(f"weights.{key} {msgs[0]}" for key, msgs in errors.items())
        raise ValidationFailed(named, fields={"weights": errors})
    weights = {key: float(raw[key]) for key in known}
    total = sum(weights.values())
    if abs(total - TOTAL) > TOLERANCE:
        raise ValidationFailed(
            f"weights must sum to 100, got {total:g}",
            fields={"weights": [f"must sum to 100 (got {total:g})"]},
        )
    return weights


def check_year(year: int) -> int:
    """A year the hotline can hold (else 422 naming `year`)."""
    if not year_in_range(year):
        raise ValidationFailed(f"year {OUT_OF_RANGE}", fields={"year": [OUT_OF_RANGE]})
    return year


def save(
    *, year: int, weights: Any, actor: Actor, now: datetime | None = None
) -> AssessmentWeights:
    """An admin sets the weights of `year`'s assessment (audited); a final version keeps the
    weights it was finalised with until the year is finalised again."""
    if actor.role != Role.admin:
        raise Forbidden("only admins may set the assessment weights")
    check_year(year)
    clean = validate(weights)
    now = now or utcnow()
    row = stored(year)
    before = dict(row.weights) if row else None
    if row is None:
        row = AssessmentWeights(year=year, weights=clean, updated_at=now)
        db.session.add(row)
    row.weights = clean
    row.updated_at = now
    row.updated_by = actor.user_id
    record_action(
        actor_id=actor.user_id,
        action="assessment.weights",
        detail={"year": year, "weights": clean, "before": before},
        now=now,
    )
    db.session.flush()
    return row


def view(year: int) -> dict[str, Any]:
    """The year's weights, where they come from, the defaults and the components they weigh."""
    check_year(year)
    weights, source = effective(year)
    return {
        "year": year,
        "weights": weights,
        "source": source,
        "defaults": defaults(),
        "components": [
            {"key": c.key, "label": c.label, "label_en": c.label_en, "weight": weights[c.key]}
            for c in registry.components()
        ],
    }
