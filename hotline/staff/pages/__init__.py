"""Pages shared by every staff role: the home redirect, the ticket page, the action forms."""

from hotline.staff.pages import actions, commitments, publication, views  # noqa: F401 - routes attach to bp
from hotline.staff.pages.blueprint import bp

__all__ = ["bp"]
