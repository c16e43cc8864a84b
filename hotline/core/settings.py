"""Typed readers of the settings more than one domain decides by (declared in config.py)."""

from __future__ import annotations

from flask import current_app


def satisfied_min() -> int:
    """The lowest rating that counts as satisfied (FIGURES_SATISFIED_MIN, default 3 基本满意).

    One threshold for both: a rating or callback below it reopens the ticket (发回重办), and
    the 满意率 counts the ratings from it up.
    """
    return int(current_app.config["FIGURES_SATISFIED_MIN"])
