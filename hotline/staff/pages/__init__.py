"""Pages shared by every staff role: the home redirect, the ticket page, the action forms."""

from hotline.staff.pages import (  # noqa: F401 - routes attach to bp
    actions,
    commitments,
    publication,
    recordings,
    views,
)
from hotline.staff.pages.blueprint import bp

__all__ = ["bp"]
