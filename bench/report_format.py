"""Formatting shared by the performance report's tables and sections."""

from __future__ import annotations

from typing import Any


def dig(d: dict | None, *path: str) -> Any:
    for key in path:
        if not isinstance(d, dict):
            return None
        d = d.get(key)
    return d


def num(value: Any, digits: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def ratio_of(a: Any, b: Any) -> float | None:
    if isinstance(a, int | float) and isinstance(b, int | float) and b:
        return a / b
    return None


def rev_label(c: dict, fmt: str = "{}") -> str:
    """The revision as given, with its commit when the name is not already a prefix of it."""
    rev, commit = str(c.get("rev")), str(c.get("rev_commit") or "")
    return fmt.format(rev) + ("" if commit.startswith(rev) else f" ({commit[:10]})")


def mark(ok: bool | None) -> str:
    return {True: "✅ holds", False: "❌ misses", None: "—"}[ok]
