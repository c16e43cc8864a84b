"""JSON-lines logs that carry the ticket number, for LOG_FORMAT=json in production."""

from __future__ import annotations

import contextvars
import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from flask import Flask, g, request

# The ticket a request or job is working on; set with `ticket_context`.
current_ticket: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "hotline_ticket", default=None
)
# Job log lines name their ticket (STYLE: "the ticket id in every job log line"); pick it up.
TICKET_NUMBER = re.compile(r"\b(\d{8}-\d{6})\b")
_STANDARD = frozenset(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime"}


@contextmanager
def ticket_context(number: str | None) -> Iterator[None]:
    """Every log line emitted inside carries `ticket: number`."""
    token = current_ticket.set(number)
    try:
        yield
    finally:
        current_ticket.reset(token)


class TicketFilter(logging.Filter):
    """Sets record.ticket from `extra`, the context, or a ticket number in the message."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "ticket", None) is None:
            number = current_ticket.get()
            if number is None:
                match = TICKET_NUMBER.search(record.getMessage())
                number = match.group(1) if match else None
            record.ticket = number
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, ticket, request id, extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        ticket = getattr(record, "ticket", None)
        if ticket:
            entry["ticket"] = ticket
        for key, value in vars(record).items():
            if key not in _STANDARD and key != "ticket" and not key.startswith("_"):
                entry[key] = value if isinstance(value, str | int | float | bool) else repr(value)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def tag_requests(app: Flask) -> None:
    """Log lines of a request about one ticket (a `number` in its URL) carry that number."""

    @app.before_request
    def _enter() -> None:
        number = (request.view_args or {}).get("number")
        if isinstance(number, str):
            g.hotline_ticket_token = current_ticket.set(number)

    @app.teardown_request
    def _leave(exc: BaseException | None) -> None:
        token = g.pop("hotline_ticket_token", None)
        if token is not None:
            current_ticket.reset(token)


def configure_json_logging(level: int = logging.INFO) -> None:
    """Replace the root handlers with one stderr handler writing JSON lines."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(TicketFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
