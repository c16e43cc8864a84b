"""Localisation, two ways for two audiences, one module.

Pages (staff and public) translate by the request's locale with Flask-Babel's catalogues in
translations/ (`_`). Texts sent to a complainant or a unit (SMS, voice) are keyed templates in
the locale the ticket recorded, not the request's: each domain keeps its own table of
{key: {locale: template}} (notify/texts.py, intake/texts.py) and looks it up with `localized`.
zh_CN comes first everywhere; English is the second language.
"""

from __future__ import annotations

from flask import has_request_context
from flask_babel import get_locale, gettext

LOCALES = ("zh_CN", "en")


def _(msgid: str, **params: object) -> str:
    """The translation of msgid for the request's locale, %-formatted with params."""
    out = gettext(msgid) if has_request_context() else msgid
    return out % params if params else out


def localized(versions: dict[str, str], locale: str = "zh_CN", **params: object) -> str:
    """One entry of a keyed text table in `locale` (zh_CN when it has no such version),
    `str.format`-ted with params."""
    text = versions.get(locale) or versions["zh_CN"]
    return text.format(**params) if params else text


def current_locale() -> str:
    """zh_CN or en, as the ticket records it."""
    return "en" if has_request_context() and str(get_locale()).startswith("en") else "zh_CN"
