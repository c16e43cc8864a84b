"""JSON-lines logs carry the ticket number so one complaint can be followed across processes."""

from __future__ import annotations

import json
import logging

from hotline.core.logs import JsonFormatter, TicketFilter, ticket_context


def _line(message: str, *args: object, **extra: object) -> dict:
    record = logging.LogRecord(
        "hotline.tickets.jobs", logging.INFO, __file__, 1, message, args, None
    )
    for key, value in extra.items():
        setattr(record, key, value)
    TicketFilter().filter(record)
    return json.loads(JsonFormatter().format(record))


def test_a_job_line_naming_a_ticket_carries_it_as_a_field() -> None:
    line = _line("routed ticket %s to %s", "20261009-000042", "城管局")
    assert line["ticket"] == "20261009-000042"
    assert line["message"] == "routed ticket 20261009-000042 to 城管局"
    assert line["level"] == "INFO"
    assert line["logger"] == "hotline.tickets.jobs"


def test_lines_inside_a_ticket_context_carry_its_number() -> None:
    with ticket_context("20261009-000007"):
        assert _line("sms queued")["ticket"] == "20261009-000007"
    assert "ticket" not in _line("sms queued")


def test_extra_fields_are_kept_and_an_explicit_ticket_wins() -> None:
    line = _line("sent %s", "20261009-000001", ticket="20261009-000002", outbox_id=7)
    assert line["ticket"] == "20261009-000002"
    assert line["outbox_id"] == 7


def test_json_logging_is_configured_only_when_asked(app) -> None:
    from tests.faults.helpers import private_app

    root = logging.getLogger()
    saved = list(root.handlers), root.level
    try:
        private_app(app, LOG_FORMAT="json")
        assert any(isinstance(h.formatter, JsonFormatter) for h in root.handlers)
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])


def test_lines_logged_while_serving_a_ticket_url_carry_its_number(app) -> None:
    from tests.faults.helpers import private_app

    root = logging.getLogger()
    saved = list(root.handlers), root.level
    try:
        json_app = private_app(app, LOG_FORMAT="json")

        @json_app.get("/_logs/<number>")
        def _probe(number: str) -> str:
            logging.getLogger("hotline.test").info("looked at it")
            return "ok"

        lines: list[dict] = []

        class Collect(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                lines.append(json.loads(self.format(record)))

        collector = Collect()
        collector.setFormatter(JsonFormatter())
        collector.addFilter(TicketFilter())
        root.addHandler(collector)
        json_app.test_client().get("/_logs/20261012-000042")
        assert any(
            line["message"] == "looked at it" and line["ticket"] == "20261012-000042"
            for line in lines
        )
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
