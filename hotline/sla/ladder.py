"""The escalation ladder (预警 → 催办 → 督办 → 约谈) as pure decisions over a ticket snapshot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from hotline.sla.calendar import WorkCalendar
from hotline.sla.deadlines import DEFAULT_TZ, extend_working_days


class Level(StrEnum):
    """A rung of the ladder; the values are the names used in the API and the database."""

    WARNING = "warning"
    OVERDUE = "overdue"
    SUPERVISION = "supervision"
    INTERVIEW = "interview"


LADDER: tuple[Level, ...] = tuple(Level)
# A level name's place on the ladder (0 = warning), for "the highest level reached".
RANK: dict[str, int] = {level.value: i for i, level in enumerate(LADDER)}

# No unit clock runs in these statuses: not yet dispatched, back in triage after an approved
# return, answered, or finished. Listed by exclusion so that a new in-progress status still
# escalates rather than silently never doing so.
CLOCK_STOPPED_STATUSES = frozenset({"new", "triage", "replied", "closed", "rejected", "merged"})


@dataclass(frozen=True, slots=True)
class Thresholds:
    """When the levels fire (DESIGN §4 defaults); configurable per deployment."""

    warning_fraction: float = 0.8
    supervision_after_wd: int = 2
    interview_after_wd: int = 5

    def __post_init__(self) -> None:
        if not 0 < self.warning_fraction <= 1:
            raise ValueError(f"warning_fraction must be in (0, 1], got {self.warning_fraction}")
        # The ladder must stay ordered: supervision can never come after the interview.
        if not 0 <= self.supervision_after_wd <= self.interview_after_wd:
            raise ValueError(
                "need 0 <= supervision_after_wd <= interview_after_wd, got "
                f"{self.supervision_after_wd} and {self.interview_after_wd}"
            )


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True, slots=True)
class TicketClock:
    """What the ladder needs to know about one ticket, decoupled from the ORM.

    Times are aware datetimes of the current clock cycle (the current dispatch or reopen):
    pass None for an acceptance or reply from an earlier cycle. `reached` holds the levels
    already recorded for the current resolve deadline; escalations are keyed by
    (ticket, resolve_due_at, level), and a missed accept deadline escalates on the same
    ladder so one lateness never yields two 督办.
    """

    status: str
    dispatched_at: datetime | None
    accept_due_at: datetime | None
    resolve_due_at: datetime | None
    accepted_at: datetime | None = None
    replied_at: datetime | None = None
    reached: frozenset[str] = frozenset()


def clock_running(clock: TicketClock) -> bool:
    """Whether the ticket can escalate at all: a unit holds it and has not replied."""
    return clock.status not in CLOCK_STOPPED_STATUSES and clock.replied_at is None


def overdue_from(clock: TicketClock) -> datetime | None:
    """The earliest deadline in force (accept while unaccepted, resolve), whether passed or not.

    The ticket is overdue once now reaches it; supervision and interview count working days
    from it.
    """
    if not clock_running(clock):
        return None
    deadlines = [clock.resolve_due_at]
    if clock.accepted_at is None:
        deadlines.append(clock.accept_due_at)
    present = [d for d in deadlines if d is not None]
    return min(present) if present else None


def level_times(
    clock: TicketClock,
    cal: WorkCalendar,
    tz: ZoneInfo = DEFAULT_TZ,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> dict[Level, datetime]:
    """When each level's condition starts to hold (UTC), for levels that can fire at all.

    Every condition is monotone in time, so "due at now" is simply "its time <= now"; both
    levels_due and next_level_at read these instants and therefore always agree.
    """
    times: dict[Level, datetime] = {}
    if not clock_running(clock):
        return times
    if clock.dispatched_at is not None and clock.resolve_due_at is not None:
        window = clock.resolve_due_at - clock.dispatched_at
        times[Level.WARNING] = (
            clock.dispatched_at + window * thresholds.warning_fraction
        ).astimezone(UTC)
    start = overdue_from(clock)
    if start is not None:
        times[Level.OVERDUE] = start.astimezone(UTC)
        # extend_working_days(d, k) is exactly when working_days_overdue(d, now) reaches k.
        times[Level.SUPERVISION] = extend_working_days(
            start, thresholds.supervision_after_wd, cal, tz
        )
        times[Level.INTERVIEW] = extend_working_days(start, thresholds.interview_after_wd, cal, tz)
    return times


def _pending(clock: TicketClock, times: dict[Level, datetime]) -> list[tuple[Level, datetime]]:
    # Never step back down: once a level is reached, lower ones that were skipped (a warning
    # after an accept-overdue 催办, say) would only be noise.
    floor = max((RANK[r] for r in clock.reached if r in RANK), default=-1)
    return [(level, times[level]) for level in LADDER[floor + 1 :] if level in times]


def levels_due(
    clock: TicketClock,
    now: datetime,
    cal: WorkCalendar,
    tz: ZoneInfo = DEFAULT_TZ,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> list[Level]:
    """The levels to record now, in ladder order: due, not yet reached, above any reached one.

    - warning: the share `warning_fraction` of [dispatched_at, resolve_due_at] has elapsed
      (calendar time), not replied;
    - overdue: the resolve deadline passed unreplied, or the accept deadline unaccepted;
    - supervision / interview: overdue by >= N full working days (local calendar).
    A sweep that missed some time gets every level it skipped at once, in order.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    times = level_times(clock, cal, tz, thresholds)
    return [level for level, at in _pending(clock, times) if at <= now]


def next_level_at(
    clock: TicketClock,
    cal: WorkCalendar,
    tz: ZoneInfo = DEFAULT_TZ,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> datetime | None:
    """The earliest instant levels_due is non-empty (maybe already past), or None if never.

    Store it on the ticket as an indexed column so the sweep selects due tickets directly;
    recompute it whenever the snapshot changes (a level recorded, acceptance, extension...).
    """
    pending = _pending(clock, level_times(clock, cal, tz, thresholds))
    return min((at for _, at in pending), default=None)
