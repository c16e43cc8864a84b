"""SMS wording: deadlines in plain words, in the complainant's language."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hotline.notify.texts import plain_deadline, render


@pytest.mark.parametrize(
    ("due", "locale", "said"),
    [
        # 00:00 local on 14 October is the end of Tuesday 13 October (DESIGN §3).
        ("2026-10-13T16:00:00+00:00", "zh_CN", "2026年10月13日（星期二）24时"),
        ("2026-10-13T16:00:00+00:00", "en", "the end of Tuesday 13 October 2026"),
        # An hours deadline (urgent) keeps its time of day.
        ("2026-10-14T07:30:00+00:00", "zh_CN", "2026年10月14日（星期三）15:30"),
        ("2026-10-14T07:30:00+00:00", "en", "15:30 on Wednesday 14 October 2026"),
        # The year turns at local midnight: the end of 31 December.
        ("2026-12-31T16:00:00+00:00", "zh_CN", "2026年12月31日（星期四）24时"),
    ],
)
def test_a_deadline_is_said_in_plain_local_words(app, due, locale, said) -> None:
    with app.app_context():
        assert plain_deadline(datetime.fromisoformat(due), locale) == said


def test_the_extension_sms_names_the_date_and_nothing_else(app) -> None:
    due = datetime(2026, 10, 13, 16, tzinfo=UTC)
    with app.app_context():
        zh = render("extension_granted", "zh_CN", number="20261001-000001", due=plain_deadline(due))
        en = render(
            "extension_granted", "en", number="20261001-000001", due=plain_deadline(due, "en")
        )
    assert zh == (
        "【12345热线】您的工单20261001-000001办理期限已延长至2026年10月13日（星期二）24时前，"
        "届时将答复您。"
    )
    assert "by the end of Tuesday 13 October 2026" in en
