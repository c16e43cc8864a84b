"""The `pages` blueprint: views.py (home, ticket page, uploads) and actions.py (form posts)."""

from __future__ import annotations

from flask import Blueprint

from hotline.core.web.body_limit import accepts_uploads
from hotline.staff.pages.ui import register_template_helpers

bp = Blueprint("pages", __name__)
bp.record_once(lambda state: register_template_helpers(state.app))
# A reply may carry attachments (UPLOAD_MAX_BYTES); every other page takes small bodies.
accepts_uploads("pages.reply")
