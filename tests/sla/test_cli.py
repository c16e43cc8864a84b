"""`flask sla due`, `flask calendar import|status` and the deadline recompute they trigger."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from hotline.core.extensions import db
from hotline.sla.models import CalendarDay, SlaPolicy
from hotline.tickets.jobs import recompute_deadlines
from hotline.tickets.models import TicketEvent
from tests.factories import UnitFactory, ticket_in


def due(runner, *args: str):
    return runner.invoke(args=["sla", "due", *args])


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # DESIGN §3: 8, 9, 10 (调休 Saturday), 12, 13 October.
        ("2026-09-30T10:00:00+08:00", "5", "2026-10-14T00:00:00+08:00"),
        # Spring Festival 2026: off 15–23 Feb; 14 Feb (Saturday) is a make-up workday.
        ("2026-02-13T09:00:00+08:00", "2", "2026-02-25T00:00:00+08:00"),
        # Labour Day 2026: off 1–5 May; 9 May (Saturday) is a make-up workday.
        ("2026-04-30T09:00:00+08:00", "4", "2026-05-10T00:00:00+08:00"),
        # The National Day make-up Sunday 20 September counts.
        ("2026-09-18T18:00:00+08:00", "1", "2026-09-21T00:00:00+08:00"),
    ],
)
def test_sla_due_prints_the_deadline_as_its_last_line(runner, start, days, expected):
    result = due(runner, "--start", start, "--working-days", days)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == expected
    assert result.stderr == ""


def test_sla_due_in_hours_is_calendar_hours_through_a_holiday(runner):
    result = due(runner, "--start", "2026-10-01T10:00:00+08:00", "--hours", "24")
    assert result.stdout.splitlines()[-1] == "2026-10-02T10:00:00+08:00"


def test_sla_due_into_2027_falls_back_and_warns_on_stderr(runner):
    result = due(runner, "--start", "2026-12-28T10:00:00+08:00", "--working-days", "5")
    assert result.exit_code == 0
    # 29, 30, 31 Dec, (1 Jan fixed holiday), 4, 5 Jan.
    assert result.stdout.splitlines()[-1] == "2027-01-06T00:00:00+08:00"
    assert "calendar for 2027 not loaded" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--start", "2026-09-30T10:00:00", "--working-days", "5"],  # no offset
        ["--start", "yesterday", "--working-days", "5"],
        ["--start", "2026-09-30T10:00:00+08:00"],
        ["--start", "2026-09-30T10:00:00+08:00", "--working-days", "1", "--hours", "2"],
        ["--start", "2026-09-30T10:00:00+08:00", "--working-days", "-1"],
    ],
)
def test_sla_due_rejects_bad_input_with_a_usage_error(runner, args):
    result = due(runner, *args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def write(tmp_path, text: str):
    path = tmp_path / "calendar.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_calendar_import_reports_every_bad_line_by_number_and_imports_nothing(runner, tmp_path):
    path = write(
        tmp_path,
        "date,type,name\n2027-01-01,holiday,元旦\n2027-13-01,holiday,x\n"
        "2027-02-06,weekend,春节\n2027-01-01,workday,\n",
    )
    result = runner.invoke(args=["calendar", "import", str(path)])
    assert result.exit_code == 1
    assert "line 3: date '2027-13-01' is not YYYY-MM-DD" in result.stderr
    assert "line 4: type 'weekend' must be holiday or workday" in result.stderr
    assert "line 5: date 2027-01-01 already given on line 2" in result.stderr
    assert db.session.scalar(select(CalendarDay).where(CalendarDay.day == date(2027, 1, 1))) is None


def test_calendar_import_needs_the_header(runner, tmp_path):
    result = runner.invoke(
        args=["calendar", "import", str(write(tmp_path, "2027-01-01,holiday\n"))]
    )
    assert result.exit_code == 1
    assert "line 1" in result.stderr


def test_calendar_import_loads_a_year_and_silences_its_warning(runner, tmp_path, clock):
    clock.set("2026-11-01T09:00:00+08:00")
    assert "calendar for 2027 not loaded" in runner.invoke(args=["calendar", "status"]).stderr
    path = write(
        tmp_path,
        "date,type,name\n2027-02-05,holiday,春节\n2027-02-08,holiday,春节\n"
        "2027-02-20,workday,春节调休\n",
    )
    result = runner.invoke(args=["calendar", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "imported 3 days for 2027" in result.stdout
    status = runner.invoke(args=["calendar", "status"])
    assert "2027: loaded" in status.stdout
    assert status.stderr == ""
    # The imported arrangement drives deadlines: from Thu 4 Feb, 2 WD skip 5 and 8 Feb → 9, 10.
    got = due(runner, "--start", "2027-02-04T10:00:00+08:00", "--working-days", "2")
    assert got.stdout.splitlines()[-1] == "2027-02-11T00:00:00+08:00"
    assert got.stderr == ""


def test_calendar_import_upserts_so_a_second_file_corrects_the_first(runner, tmp_path):
    runner.invoke(
        args=["calendar", "import", str(write(tmp_path, "date,type,name\n2026-10-12,holiday,x\n"))]
    )
    runner.invoke(
        args=["calendar", "import", str(write(tmp_path, "date,type,name\n2026-10-12,workday,\n"))]
    )
    day = db.session.get(CalendarDay, datetime(2026, 10, 12).date())
    assert day.is_workday is True


def test_admin_override_moves_an_open_tickets_deadline_after_import_and_recompute(
    runner, tmp_path, clock, app, monkeypatch
):
    monkeypatch.setitem(app.config, "JOBS_ENABLED", False)
    app.extensions.pop("hotline_woken", None)
    clock.set("2026-09-30T10:00:00+08:00")
    ticket = ticket_in("accepted", unit=UnitFactory())
    assert ticket.resolve_due_at == datetime(2026, 10, 13, 16, tzinfo=UTC)  # 14 Oct 00:00 local
    # The admin declares Monday 12 October a holiday (say, a local typhoon day off).
    path = write(tmp_path, "date,type,name\n2026-10-12,holiday,台风停工\n")
    assert runner.invoke(args=["calendar", "import", str(path)]).exit_code == 0
    assert "recompute_deadlines" in app.extensions.get("hotline_woken", [])  # queued on commit
    assert recompute_deadlines(now=datetime(2026, 10, 2, tzinfo=UTC)) == 1
    db.session.refresh(ticket)
    assert ticket.resolve_due_at == datetime(2026, 10, 14, 16, tzinfo=UTC)  # 15 Oct 00:00
    event = db.session.scalar(
        select(TicketEvent).where(
            TicketEvent.ticket_id == ticket.id, TicketEvent.type == "deadline_recomputed"
        )
    )
    assert event.data["before"]["resolve_due_at"] == "2026-10-13T16:00:00+00:00"
    assert event.data["after"]["resolve_due_at"] == "2026-10-14T16:00:00+00:00"
    # The ladder follows the new deadline: the warning moves with it.
    assert ticket.sla_check_at > datetime(2026, 10, 10, 22, 48, tzinfo=UTC)
    # Running the job again changes nothing and records nothing.
    assert recompute_deadlines(now=datetime(2026, 10, 2, tzinfo=UTC)) == 0


def test_recompute_keeps_approved_extensions(clock, session):
    from hotline.tickets import transitions as tx
    from tests.factories import SUPERVISOR, unit_actor

    clock.set("2026-09-30T10:00:00+08:00")
    unit = UnitFactory()
    ticket = ticket_in("accepted", unit=unit)
    tx.request_extension(ticket, actor=unit_actor(unit), days=2, reason="需要现场复核")
    tx.approve_extension(ticket, actor=SUPERVISOR)
    extended = ticket.resolve_due_at
    assert recompute_deadlines(now=datetime(2026, 10, 2, tzinfo=UTC)) == 0
    db.session.refresh(ticket)
    assert ticket.resolve_due_at == extended


def test_changing_an_sla_policy_queues_the_recompute_and_it_applies_the_policy(
    clock, session, app, monkeypatch
):
    monkeypatch.setitem(app.config, "JOBS_ENABLED", False)
    app.extensions.pop("hotline_woken", None)
    clock.set("2026-09-30T10:00:00+08:00")
    ticket = ticket_in("accepted", unit=UnitFactory())
    db.session.add(SlaPolicy(name="投诉 3 个工作日", kind="complaint", resolve_value=3))
    db.session.commit()
    assert "recompute_deadlines" in app.extensions.get("hotline_woken", [])
    assert recompute_deadlines(now=datetime(2026, 10, 2, tzinfo=UTC)) == 1
    db.session.refresh(ticket)
    assert ticket.resolve_due_at == datetime(2026, 10, 10, 16, tzinfo=UTC)  # 8, 9, 10 Oct
