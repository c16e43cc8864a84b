"""The ticket API tests record wake-ups instead of enqueueing them (routing is not under test)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _record_wakeups(woken_jobs: list[str]) -> list[str]:
    return woken_jobs
