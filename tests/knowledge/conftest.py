"""Knowledge-base fixtures: an editor, and articles written through the service."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from hotline.core.actor import Actor
from hotline.knowledge import service as knowledge
from hotline.knowledge.models import KnowledgeArticle
from hotline.knowledge.service import ArticleDraft

EDITOR = Actor(user_id=None, role="supervisor", label="test-supervisor")
# 2026-09-30 10:00 in Shanghai: the `clock` fixture's "now".
NOW = datetime(2026, 9, 30, 2, 0, tzinfo=UTC)


@pytest.fixture
def write(session, clock) -> Callable[..., KnowledgeArticle]:
    """Write an article as a supervisor: `write("标题", "正文", category="…", …)`."""

    def _write(title: str, body: str, **fields: Any) -> KnowledgeArticle:
        return knowledge.create(actor=EDITOR, draft=ArticleDraft(title=title, body=body, **fields))

    return _write
