"""Personal data taken out of free text before it is published: phone numbers, ID-card and
bank-card numbers, e-mail addresses and house numbers. Names cannot be found by a pattern; a
supervisor reads and may edit the text before approving it (tickets/publication.py)."""

from __future__ import annotations

import re

# In this order: an e-mail first (it may hold digits), then the specific number shapes before
# the catch-all runs of digits.
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[邮箱]"),
    # 18-digit resident ID (the last character may be X), with or without spaces.
    (
        re.compile(r"(?<![\dA-Za-z])\d{6}\s?(?:19|20)\d{2}\s?\d{4}\s?\d{3}[\dXx](?![\dA-Za-z])"),
        "[身份证号]",
    ),
    # Mobiles (+86 optional) and landlines with an area code (0591-87654321).
    (re.compile(r"(?:\+?86[ -]?)?(?<!\d)1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)"), "[电话]"),
    (re.compile(r"(?<!\d)0\d{2,3}[ -]?\d{7,8}(?!\d)"), "[电话]"),
    # 12-19 digit card numbers, in groups of four or as one run.
    (re.compile(r"(?<!\d)\d{4}(?:[ -]?\d{4}){2,3}(?:[ -]?\d{1,3})?(?!\d)"), "[卡号]"),
    # Any other run of 7 or more digits is a number someone could be reached or found by.
    (re.compile(r"(?<!\d)(?:\d[ -]?){6,}\d(?!\d)"), "[号码]"),
    # House, building, unit and room numbers keep their word: "幸福路*号*单元*室".
    (re.compile(r"\d+(?:[-－]\d+)?\s?(号楼|号院|号|栋|幢|单元|室|楼|层|弄)"), r"*\1"),
)


def redact(text: str) -> str:
    """`text` with personal numbers, e-mail addresses and house numbers taken out."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text
