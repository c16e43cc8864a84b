"""The inspector dashboard: figures, lists, the interview board, the credit record, exports."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from hotline.core.actor import Actor
from hotline.core.clock import utcnow
from hotline.core.extensions import db
from hotline.escalations.models import CreditRecord, InterviewCase
from hotline.metrics.rollup import roll_up
from hotline.tickets import transitions as tx
from hotline.tickets.models import Escalation
from tests.factories import OPERATOR, ticket_in


def _handled_and_reopened(staff) -> str:
    """A ticket dispatched, accepted and replied, then an unsatisfied callback."""
    ticket = ticket_in("replied", unit=staff.unit)
    tx.callback(ticket, actor=OPERATOR, reached=True, resolved=False, satisfaction=2)
    return ticket.number


def _row(body: str, code: str) -> str:
    return body.split(f'data-unit="{code}"')[1].split("</tr>")[0]


def test_figures_table_shows_rates_for_the_chosen_period(login, staff, clock) -> None:
    clock.set("2026-10-09T09:00:00+08:00")
    _handled_and_reopened(staff)
    roll_up(now=utcnow())
    body = login(staff.inspector).get("/dashboard?period=2026-10").get_data(as_text=True)
    row = _row(body, staff.unit.code)
    assert "100.0%" in row  # accepted in time / dispatched
    assert "0.0%" in row  # 解决率 and 满意率: not resolved, 2 不满意
    other = _row(body, staff.other_unit.code)
    assert "—" in other
    assert "rankChart" in body
    assert "chart.umd.min.js" in body
    september = login(staff.inspector).get("/dashboard?period=2026-09").get_data(as_text=True)
    assert "100.0%" not in _row(september, staff.unit.code)


def test_bad_period_is_a_message_not_a_500(login, staff) -> None:
    response = login(staff.inspector).get("/dashboard?period=oops")
    assert response.status_code == 200
    assert "period" in response.get_data(as_text=True)


def test_figures_export_as_csv_with_bom_and_xlsx(login, staff, clock) -> None:
    clock.set("2026-10-09T09:00:00+08:00")
    _handled_and_reopened(staff)
    roll_up(now=utcnow())
    client = login(staff.inspector)
    response = client.get("/dashboard/export/figures.csv?period=2026-10")
    assert response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:2] == ["排名", "单位"]
    assert any(r[1] == staff.unit.name and r[3] == "100.0" for r in rows[1:])
    xlsx = client.get("/dashboard/export/figures.xlsx?period=2026-10")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert [c.value for c in sheet[1]][:2] == ["排名", "单位"]


def test_overdue_list_and_filter(login, staff, clock) -> None:
    clock.set("2026-10-09T09:00:00+08:00")
    late = ticket_in("accepted", unit=staff.unit).number
    other = ticket_in("accepted", unit=staff.other_unit).number
    clock.set("2026-11-30T09:00:00+08:00")
    fresh = ticket_in("accepted", unit=staff.unit).number
    client = login(staff.inspector)
    body = client.get("/dashboard/overdue").get_data(as_text=True)
    assert late in body
    assert other in body
    assert fresh not in body
    filtered = client.get(f"/dashboard/overdue?unit={staff.unit.code}").get_data(as_text=True)
    assert late in filtered
    assert other not in filtered


def test_every_escalation_is_listed_and_filterable_by_level(login, staff, clock) -> None:
    ticket = ticket_in("accepted", unit=staff.unit)
    now = utcnow()
    for level in ("warning", "supervision"):
        db.session.add(
            Escalation(
                ticket_id=ticket.id,
                unit_id=staff.unit.id,
                level=level,
                deadline=now,
                created_at=now,
                note=f"note-{level}",
            )
        )
    db.session.flush()
    client = login(staff.inspector)
    body = client.get("/dashboard/escalations").get_data(as_text=True)
    assert "note-warning" in body
    assert "note-supervision" in body
    only = client.get("/dashboard/escalations?level=supervision").get_data(as_text=True)
    assert "note-warning" not in only
    assert "note-supervision" in only


def _case(staff) -> int:
    case = InterviewCase(
        unit_id=staff.unit.id,
        status="proposed",
        trigger="ticket_overdue",
        reason="工单超期 5 个工作日",
        opened_at=utcnow(),
    )
    db.session.add(case)
    db.session.flush()
    return case.id


def test_interview_board_schedule_hold_and_close(login, staff, clock) -> None:
    clock.set("2026-10-09T09:00:00+08:00")
    case_id = _case(staff)
    client = login(staff.inspector)
    assert "工单超期 5 个工作日" in client.get("/dashboard/interviews").get_data(as_text=True)
    client.post(
        f"/dashboard/interviews/{case_id}/schedule",
        data={"at": "2026-10-12T10:00", "place": "督查室 301"},
    )
    case = db.session.get(InterviewCase, case_id)
    assert case.status == "scheduled"
    assert case.scheduled_for.isoformat() == "2026-10-12T02:00:00+00:00"  # read as local time
    board = client.get("/dashboard/interviews").get_data(as_text=True)
    assert "约谈时间未到" in board  # no hold before the scheduled time
    early = client.post(f"/dashboard/interviews/{case_id}/hold", data={"minutes": "纪要"})
    assert early.status_code == 302
    assert db.session.get(InterviewCase, case_id).status == "scheduled"
    assert "2026-10-12 10:00" in client.get("/dashboard/interviews").get_data(as_text=True)

    clock.set("2026-10-12T11:00:00+08:00")
    client.post(f"/dashboard/interviews/{case_id}/hold", data={"minutes": "负责人说明超期原因"})
    case = db.session.get(InterviewCase, case_id)
    assert (case.status, case.minutes, case.commitment) == ("held", "负责人说明超期原因", None)
    assert "待负责人提交承诺" in client.get("/dashboard/interviews").get_data(as_text=True)
    from hotline.escalations import interviews

    head = Actor.of(staff.head)
    due = datetime.fromisoformat("2026-10-26T18:00:00+08:00")
    interviews.commit(case_id=case_id, actor=head, commitment="两周内清理积压", commitment_due=due)
    interviews.rectify(case_id=case_id, actor=head, evidence="积压已清零")
    client.post(f"/dashboard/interviews/{case_id}/close")
    assert db.session.get(InterviewCase, case_id).closed_at is not None
    records = db.session.scalars(
        select(CreditRecord.type).where(CreditRecord.unit_id == staff.unit.id)
    )
    assert {
        "interview_scheduled",
        "interview_held",
        "commitment_submitted",
        "rectified",
        "interview_closed",
    } <= set(records)


def test_inspector_sends_weak_evidence_back_from_the_board(login, staff, clock) -> None:
    clock.set("2026-10-09T09:00:00+08:00")
    now = utcnow()
    case = InterviewCase(
        unit_id=staff.unit.id,
        status="rectified",
        trigger="ticket_overdue",
        reason="工单超期 5 个工作日",
        opened_at=now - timedelta(days=20),
        commitment="整改",
        commitment_due=now + timedelta(days=5),
        committed_at=now - timedelta(days=10),
        evidence="一句话说明",
        rectified_at=now - timedelta(days=1),
    )
    db.session.add(case)
    db.session.flush()
    case_id = case.id
    client = login(staff.inspector)
    assert "退回材料" in client.get("/dashboard/interviews").get_data(as_text=True)
    empty = client.post(f"/dashboard/interviews/{case_id}/reject", data={"reason": " "})
    assert empty.status_code == 302
    assert db.session.get(InterviewCase, case_id).status == "rectified"
    client.post(f"/dashboard/interviews/{case_id}/reject", data={"reason": "缺少现场照片"})
    case = db.session.get(InterviewCase, case_id)
    assert (case.status, case.evidence, case.rejection_reason) == ("held", None, "缺少现场照片")
    assert "缺少现场照片" in client.get("/dashboard/interviews").get_data(as_text=True)


def test_interview_with_a_bad_time_is_a_message(login, staff, clock) -> None:
    case_id = _case(staff)
    client = login(staff.inspector)
    response = client.post(
        f"/dashboard/interviews/{case_id}/schedule", data={"at": "soon", "place": "x"}
    )
    assert response.status_code == 302
    assert "at" in client.get("/dashboard/interviews").get_data(as_text=True)
    assert db.session.get(InterviewCase, case_id).status == "proposed"


def test_overdue_commitments_can_be_marked_from_the_board(login, staff, clock) -> None:
    now = utcnow()
    case = InterviewCase(
        unit_id=staff.unit.id,
        status="held",
        trigger="ticket_overdue",
        opened_at=now - timedelta(days=20),
        commitment="整改",
        commitment_due=now - timedelta(days=1),
    )
    db.session.add(case)
    db.session.flush()
    case_id = case.id
    login(staff.inspector).post("/dashboard/interviews/mark-overdue")
    assert db.session.get(InterviewCase, case_id).status == "rectification_overdue"


def test_credit_record_of_a_unit(login, staff, clock) -> None:
    db.session.add(
        CreditRecord(unit_id=staff.unit.id, at=utcnow(), type="escalation", summary="工单督办一次")
    )
    db.session.flush()
    client = login(staff.inspector)
    assert "工单督办一次" in client.get(f"/dashboard/units/{staff.unit.code}/credit").get_data(
        as_text=True
    )
    assert client.get("/dashboard/units/NOPE/credit").status_code == 404
    exported = client.get(f"/dashboard/export/credit.csv?unit={staff.unit.code}")
    assert "工单督办一次" in exported.data.decode("utf-8-sig")


def test_unknown_export_kind_or_format_is_refused(login, staff) -> None:
    client = login(staff.inspector)
    assert client.get("/dashboard/export/secrets.csv").status_code == 302
    assert client.get("/dashboard/export/overdue.pdf").status_code == 302


def test_large_export_runs_in_a_worker_with_progress(
    app, login, staff, clock, redis, tmp_path, monkeypatch
) -> None:
    from workers.app import run_worker

    clock.set("2026-10-09T09:00:00+08:00")
    numbers = [ticket_in("accepted", unit=staff.unit).number for _ in range(3)]
    clock.set("2026-11-30T09:00:00+08:00")
    monkeypatch.setitem(app.config, "EXPORT_INLINE_MAX_ROWS", 2)
    monkeypatch.setitem(app.config, "EXPORT_FOLDER", str(tmp_path))
    client = login(staff.inspector)
    response = client.get("/dashboard/export/overdue.csv")
    assert response.status_code == 302
    status_url = response.headers["Location"]
    page = client.get(status_url).get_data(as_text=True)
    assert 'hx-trigger="every 1s"' in page  # polling until done
    run_worker(app, burst=True)
    partial = client.get(status_url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in partial
    assert "every 1s" not in partial
    assert "/file" in partial
    download = client.get(status_url + "/file")
    text = download.data.decode("utf-8-sig")
    assert all(n in text for n in numbers)


def test_other_roles_may_not_open_the_dashboard(login, staff) -> None:
    for user in (staff.operator, staff.supervisor, staff.agent, staff.head, staff.admin):
        client = login(user)
        for path in (
            "/dashboard",
            "/dashboard/overdue",
            "/dashboard/export/figures.csv",
            "/dashboard/interviews",
        ):
            assert client.get(path).status_code == 403, (user.role, path)
