"""The demo's interview cases: every stage, two commitments on the public site, one waiting for
an inspector's approval."""

from __future__ import annotations

from sqlalchemy import select

from hotline.core.clock import utcnow
from hotline.escalations.models import InterviewCase
from hotline.seed.demo import load_reference
from hotline.seed.interviews import load_interviews
from hotline.units.models import Unit


def test_demo_interviews_show_the_publication_workflow(session, clock, client):
    clock.set("2026-12-02T10:00:00+08:00")
    load_reference(now=utcnow())
    assert load_interviews(now=utcnow()) == 2
    cases = {
        code: case
        for case, code in session.execute(
            select(InterviewCase, Unit.code).join(Unit, Unit.id == InterviewCase.unit_id)
        )
    }
    assert cases["C-ZJJ"].status == "rectified"
    assert cases["C-ZJJ"].published_at is not None
    assert cases["C-RSJ"].status == "held"
    assert cases["C-RSJ"].published_at is not None
    assert cases["C-SCJG"].committed_at is not None
    assert cases["C-SCJG"].published_at is None
    assert cases["C-CGJ"].status == "scheduled"
    session.commit()
    page = client.get("/public/units/C-ZJJ").get_data(as_text=True)
    assert "已按期整改" in page
    assert "物业维修资金" in page
