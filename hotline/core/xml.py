"""Text that XML 1.0 can carry: every XML writer (Open311, TwiML, XLSX) passes text through here.

XML 1.0 forbids most C0 control characters, lone surrogates and U+FFFE/U+FFFF even as character
references, so one such character from a complainant makes the whole document unreadable for
every client. They carry nothing a reader could see, so they are dropped.
"""

from __future__ import annotations

import re

_FORBIDDEN = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: str) -> str:
    """`value` without the characters XML 1.0 cannot hold."""
    return _FORBIDDEN.sub("", value)
