"""Open311 api_keys: issued by an admin to an outside client, kept only as a hash."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select

from hotline.auth.models import ApiKey
from hotline.core.clock import utcnow
from hotline.core.extensions import db


def hash_api_key(raw: str) -> str:
    """What ApiKey.key_hash stores for a raw key (the raw key is shown once, never kept)."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def issue_api_key(*, name: str, created_by_id: int | None = None) -> tuple[ApiKey, str]:
    """A new Open311 api_key for an outside client: the row and the raw key to hand over once."""
    raw = secrets.token_urlsafe(32)
    key = ApiKey(
        name=name,
        key_hash=hash_api_key(raw),
        prefix=raw[:8],
        active=True,
        created_by_id=created_by_id,
        created_at=utcnow(),
    )
    db.session.add(key)
    db.session.flush()
    return key, raw


def active_api_key(raw: str | None) -> ApiKey | None:
    """The active key whose hash matches `raw`, or None."""
    if not raw:
        return None
    key = db.session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_api_key(raw)))
    return key if key is not None and key.active else None
