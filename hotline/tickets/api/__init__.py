"""/api/v1/tickets: create, list, read, timeline, and one POST per life-cycle transition.

Views are thin: load with a schema, call `tickets.service` / `tickets.transitions`, dump with
the caller's view of the ticket. POST views only flush; `idempotent` commits once.
"""

from hotline.tickets.api import actions, create, publication, reads  # noqa: F401 - the views
from hotline.tickets.api.blueprint import blp

__all__ = ["blp"]
