"""Reading printed documents back: the text of a PDF answer, and a ticket under 督办."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from pypdf import PdfReader
from werkzeug.test import TestResponse

from hotline.tickets.models import Escalation, Ticket
from tests.factories import ticket_in
from tests.staff.documents.helpers import supervision_of, sweep


@dataclass(frozen=True)
class Printed:
    """A PDF answer read back: its pages' text, and all of it with no whitespace (a line
    wrapped anywhere in a sentence still reads as the sentence)."""

    pages: list[str]
    size: int

    @property
    def text(self) -> str:
        return "\n".join(self.pages)

    @property
    def flat(self) -> str:
        return "".join(self.text.split())


@pytest.fixture
def read_pdf() -> Callable[[TestResponse], Printed]:
    def _read(response: TestResponse) -> Printed:
        assert response.status_code == 200, response.get_data(as_text=True)[:800]
        assert response.mimetype == "application/pdf"
        assert response.data.startswith(b"%PDF-")
        reader = PdfReader(io.BytesIO(response.data))
        return Printed([page.extract_text() for page in reader.pages], len(response.data))

    return _read


@pytest.fixture
def supervised(staff, clock, runner) -> tuple[Ticket, Escalation]:
    """DESIGN §3's example ticket of staff.unit (dispatched 30 Sep 10:00, due 14 Oct 00:00,
    accepted at once), taken up the ladder by the sweep to 督办 on 16 Oct 00:00."""
    clock.set("2026-09-30T10:00:00+08:00")
    ticket = ticket_in(
        "accepted",
        unit=staff.unit,
        phone="13812345678",
        description="幸福路12号门口夜市摊贩占道经营，噪音扰民，联系电话13812345678",
    )
    for now in ("2026-10-11T06:48:00+08:00", "2026-10-14T00:00:00+08:00"):
        sweep(runner, now)
    sweep(runner, "2026-10-16T00:00:00+08:00")
    clock.set("2026-10-16T09:30:00+08:00")
    return ticket, supervision_of(ticket)
