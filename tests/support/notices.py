"""What the ladder told each unit, whether one notice per ticket or a digest: for tests that must
not care how one sweep (or two at once) grouped the tickets."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from hotline.core.extensions import db
from hotline.notify.models import Notice, OutboxMessage

LEVELS = ("warning", "overdue", "supervision", "interview")
SMS_LEVELS = ("overdue", "supervision", "interview")


def _level(template: str) -> str | None:
    level = template.removeprefix("digest_")
    return level if level in LEVELS else None


def ladder_notices(unit_ids: list[int]) -> list[Notice]:
    audiences = [f"unit:{u}:{role}" for u in unit_ids for role in ("unit_agent", "unit_head")]
    return [
        n
        for n in db.session.scalars(
            select(Notice).where(Notice.audience.in_(audiences)).order_by(Notice.id)
        )
        if _level(n.template)
    ]


def told(unit_ids: list[int]) -> Counter:
    """{(ticket number, level): times an in-app notice named it}, digests counted per ticket."""
    out: Counter = Counter()
    for notice in ladder_notices(unit_ids):
        params = notice.params or {}
        for number in params.get("numbers") or [params.get("number")]:
            out[(number, _level(notice.template))] += 1
    return out


def ladder_sms(unit_ids: list[int]) -> Counter:
    """{(unit id, level): SMS queued}, single or digest alike."""
    rows = db.session.execute(
        select(OutboxMessage.unit_id, OutboxMessage.template).where(
            OutboxMessage.unit_id.in_(unit_ids), OutboxMessage.channel == "sms"
        )
    ).all()
    return Counter((unit_id, _level(t)) for unit_id, t in rows if _level(t) in SMS_LEVELS)


def ladder_notice_counts(unit_ids: list[int]) -> Counter:
    """{(unit id, level): in-app notices}, single or digest alike."""
    return Counter(
        (int(n.audience.split(":")[1]), _level(n.template)) for n in ladder_notices(unit_ids)
    )
