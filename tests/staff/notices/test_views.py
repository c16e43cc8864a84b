"""/notices and the unread badge: every staff page shows it; reading lowers it, for that user."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from hotline.core.actor import Actor
from hotline.core.extensions import db
from hotline.notify import inbox
from hotline.notify.inbox import Audience
from hotline.notify.models import Notice
from hotline.tickets import transitions as tx
from tests.factories import UserFactory, ticket_in, unit_actor

NOW = datetime(2026, 10, 14, 1, 0, tzinfo=UTC)
BADGE = re.compile(r'id="unread-badge"[^>]*>([^<]+)<')


def badge(html: str) -> str | None:
    found = BADGE.search(html)
    return found.group(1) if found else None


def _post(audience: Audience, template: str = "overdue", minutes: int = 0, **params) -> int:
    inbox.post(audience=audience, template=template, now=NOW + timedelta(minutes=minutes), **params)
    return db.session.scalar(select(func.max(Notice.id)))


@pytest.fixture
def posted(staff):
    ticket = ticket_in("accepted", unit=staff.unit)
    agents = Audience.unit(staff.unit.id, "unit_agent")
    ids = {
        "overdue": _post(agents, number=ticket.number, due="2026-10-14 00:00"),
        "warning": _post(agents, "warning", 1, number=ticket.number, due="2026-10-14 00:00"),
        "theirs": _post(
            Audience.unit(staff.other_unit.id, "unit_agent"), number="20261001-000009", due="-"
        ),
    }
    return ticket, ids


def test_every_staff_page_shows_the_users_unread_count(login, staff, posted):
    ticket, _ = posted
    client = login(staff.agent)
    for path in ("/workbench", f"/tickets/{ticket.number}", "/notices"):
        html = client.get(path).get_data(as_text=True)
        assert badge(html) == "2", path
    # another unit's agent has one; a supervisor none, and no badge at all
    assert badge(login(staff.other_agent).get("/workbench").get_data(as_text=True)) == "1"
    html = login(staff.supervisor).get("/console").get_data(as_text=True)
    assert badge(html) is None
    assert 'data-test="notices-link"' in html


def test_the_badge_costs_one_query(login, staff, posted, count_queries):
    client = login(staff.agent)
    client.get("/workbench")
    with count_queries() as seen:
        client.get("/workbench")
    assert len([s for s in seen if "FROM notices" in s]) == 1


def test_the_list_shows_the_users_notices_with_links_to_their_tickets(login, staff, posted):
    ticket, ids = posted
    html = login(staff.agent).get("/notices").get_data(as_text=True)
    assert f"工单{ticket.number}已超期（期限2026-10-14 00:00），请立即办理。" in html
    assert f'href="/tickets/{ticket.number}"' in html
    assert f'data-notice="{ids["theirs"]}"' not in html
    assert html.index(f'data-notice="{ids["warning"]}"') < html.index(
        f'data-notice="{ids["overdue"]}"'
    )  # newest first
    english = login(staff.agent).get("/notices?lang=en").get_data(as_text=True)
    assert f"Ticket {ticket.number} is overdue" in english


def test_marking_one_read_lowers_the_badge_for_that_user_only(login, client, staff, posted):
    _, ids = posted
    colleague = UserFactory(role="unit_agent", unit=staff.unit)
    page = login(staff.agent).post(
        f"/notices/{ids['overdue']}/read", data={"next": "/notices?unread=1"}
    )
    assert page.status_code == 302
    assert page.headers["Location"].endswith("/notices?unread=1")
    html = client.get("/notices?unread=1").get_data(as_text=True)
    assert badge(html) == "1"
    assert f'data-notice="{ids["overdue"]}"' not in html
    assert f'data-notice="{ids["warning"]}"' in html
    assert badge(login(colleague).get("/workbench").get_data(as_text=True)) == "2"


def test_mark_all_read_clears_the_badge(login, staff, posted):
    client = login(staff.agent)
    assert client.post("/notices/read-all").status_code == 302
    html = client.get("/notices").get_data(as_text=True)
    assert badge(html) is None
    assert 'data-test="read"' not in html


def test_marking_someone_elses_notice_is_404(login, staff, posted):
    _, ids = posted
    client = login(staff.agent)
    assert client.post(f"/notices/{ids['theirs']}/read").status_code == 404
    assert client.post("/notices/99999999/read").status_code == 404
    assert badge(login(staff.other_agent).get("/workbench").get_data(as_text=True)) == "1"


def test_a_digest_links_its_tickets_and_where_the_head_acts(login, staff):
    numbers = [ticket_in("accepted", unit=staff.unit).number for _ in range(3)]
    _post(
        Audience.unit(staff.unit.id, "unit_head"),
        "digest_supervision",
        count=3,
        days=2,
        numbers=numbers,
        answer_due="2026-10-21 00:00",
    )
    html = login(staff.head).get("/notices").get_data(as_text=True)
    assert "本单位有3件工单超期2个工作日以上，现予督办，请督促办理，" in html
    assert "并于2026-10-21 00:00前逐件书面答复。" in html
    for number in numbers:
        assert f'href="/tickets/{number}"' in html
    assert 'href="/workbench/escalations"' in html


def test_a_supervisor_is_led_to_the_requests_page(login, staff):
    _post(
        Audience.role("supervisor"),
        "return_requested",
        unit=staff.unit.name,
        number="20261001-000001",
    )
    html = login(staff.supervisor).get("/notices").get_data(as_text=True)
    assert 'href="/console/requests"' in html


def test_the_badge_stops_counting_at_99_plus(login, staff):
    inbox.insert_rows(
        [
            inbox.notice_row(
                audience=Audience.role("inspector"), template="interview_opened", now=NOW
            )
            for _ in range(inbox.BADGE_CAP + 5)
        ]
    )
    html = login(staff.inspector).get("/dashboard").get_data(as_text=True)
    assert badge(html) == "99+"


def test_the_inbox_needs_a_login(client):
    response = client.get("/notices")
    assert response.status_code in (302, 401)


def test_a_decided_request_shows_greyed_with_who_decided_and_no_link_to_act(login, staff):
    ticket = ticket_in("dispatched", unit=staff.unit)
    decider = UserFactory(role="supervisor", display_name="王审核")
    tx.request_return(ticket, actor=unit_actor(staff.unit), reason="不属于本单位职责", now=NOW)
    html = login(staff.supervisor).get("/notices").get_data(as_text=True)
    assert ">去审批</a>" in html
    assert badge(html) == "1"
    tx.approve_return(ticket, actor=Actor.of(decider), now=NOW + timedelta(hours=1))
    html = login(staff.supervisor).get("/notices").get_data(as_text=True)
    assert 'class="resolved"' in html
    assert "王审核于2026-10-14 10:00已同意" in html
    assert ">去审批</a>" not in html  # nothing left to act on
    assert f'href="/tickets/{ticket.number}"' in html  # the ticket is still a click away
    assert badge(html) is None
    assert 'data-test="read"' not in html  # no "mark read" on it either
    english = login(staff.supervisor).get("/notices?lang=en").get_data(as_text=True)
    assert "Approved by 王审核, 2026-10-14 10:00" in english


def test_a_quoted_reason_is_shown_escaped(login, staff):
    hostile = "<script>alert(1)</script><b>退单</b>"
    _post(
        Audience.role("supervisor"),
        "return_requested",
        unit=staff.unit.name,
        number="20261001-000001",
        text=hostile,
    )
    html = login(staff.supervisor).get("/notices").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;退单&lt;/b&gt;" in html


@pytest.mark.parametrize(
    ("reader", "audience", "template", "params", "where"),
    [
        ("inspector", "role:inspector", "appeal_requested", {"rating": 1}, "/dashboard/appeals"),
        ("inspector", "role:inspector", "supervision_answered", {}, "/dashboard/escalations"),
        ("inspector", "role:inspector", "supervision_unanswered", {}, "/dashboard/escalations"),
        ("head", "head", "supervision_unanswered_head", {}, "/workbench/escalations"),
        ("head", "head", "interview_held", {"case": 1}, "/workbench/interviews"),
        ("inspector", "role:inspector", "rectified", {"case": 1}, "/dashboard/interviews"),
    ],
)
def test_each_new_notice_leads_to_where_its_reader_acts(
    login, staff, reader, audience, template, params, where
):
    target = Audience.unit(staff.unit.id, "unit_head") if audience == "head" else Audience(audience)
    extra = {"interview_id": 1} if "case" in params else {}
    _post(target, template, number="20261001-000001", unit=staff.unit.name, **extra, **params)
    html = login(getattr(staff, reader)).get("/notices").get_data(as_text=True)
    assert f'href="{where}" class="" data-test="link"' in html
    assert 'href="/tickets/20261001-000001"' in html
