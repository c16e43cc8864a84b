"""Where the app may send a browser after a form or a login: a path on this site, nothing else.

Browsers forgive a lot on the way to a URL: they drop tabs and newlines, read a backslash as a
slash, and take `//host` as another site. So `/\t/evil.example` and `/\\evil.example` both leave
the site; the rule is checked on what a browser would actually follow.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# Control characters and whitespace a browser strips or chokes on inside a URL.
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]")


def safe_path(target: str | None) -> str | None:
    """`target` if it is a path on this site (with its query), else None."""
    if not target or _INVISIBLE.search(target) or "\\" in target:
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
