"""The dashboard's fair figures: units under the minimum apart, appeal counts, the appeals list."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from hotline.core.actor import Actor
from hotline.core.extensions import db
from hotline.metrics.models import UnitDayFigures
from hotline.oversight.jobs import rollup_figures
from hotline.tickets import transitions as tx
from tests.factories import UnitFactory, ticket_in, unit_actor


def _section(body: str, test_id: str) -> str:
    return body.split(f'data-test="{test_id}"')[1].split("</table>")[0]


@pytest.fixture
def october(staff, clock) -> dict:
    """`unit` handled 12 tickets in October (ranked); `other_unit` 2 (listed apart), one of
    them rated 1 and appealed; a third unit 11 (ranked, last)."""
    busy = UnitFactory(name="市交通局")
    for unit, dispatched, in_time in ((staff.unit, 12, 12), (busy, 11, 1)):
        db.session.add(
            UnitDayFigures(
                unit_id=unit.id,
                day=date(2026, 10, 9),
                dispatched=dispatched,
                accepted_in_time=in_time,
            )
        )
    clock.set("2026-10-09T09:00:00+08:00")
    small = ticket_in("replied", unit=staff.other_unit)
    ticket_in("dispatched", unit=staff.other_unit)
    tx.rate(small, actor=Actor.complainant(), rating=1)
    tx.request_appeal(small, actor=unit_actor(staff.other_unit), reason="不公", evidence="录音")
    rollup_figures()
    db.session.commit()
    return {"busy": busy, "appealed": small}


def test_units_under_the_minimum_are_listed_apart_not_ranked(login, staff, october) -> None:
    body = login(staff.inspector).get("/dashboard?period=2026-10").get_data(as_text=True)
    ranked = _section(body, "figures")
    apart = _section(body, "figures-apart")
    assert f'data-unit="{staff.unit.code}"' in ranked
    assert f'data-unit="{october["busy"].code}"' in ranked
    assert f'data-unit="{staff.other_unit.code}"' in apart
    assert f'data-unit="{staff.other_unit.code}"' not in ranked
    assert "样本不足，不参与排名" in body
    assert "少于 10 件" in body


def test_appeal_counts_per_unit_show_on_the_dashboard(login, staff, october) -> None:
    body = login(staff.inspector).get("/dashboard?period=2026-10").get_data(as_text=True)
    row = body.split(f'data-unit="{staff.other_unit.code}"')[1].split("</tr>")[0]
    appeals = row.split('data-test="appeals">')[1].split("</td>")[0]
    assert [p.split(">")[1] for p in appeals.split("</span>")[:3]] == ["1", "0", "0"]


def test_the_export_lists_the_small_unit_last_saying_why_it_has_no_rank(
    login, staff, october
) -> None:
    response = login(staff.inspector).get("/dashboard/export/figures.csv?period=2026-10")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][-3:] == ["申诉待审", "申诉成立", "申诉驳回"]
    assert [r[0] for r in rows[1:3]] == ["1", "2"]
    small = next(r for r in rows if r[1] == staff.other_unit.name)
    assert small[0] == "样本不足，不参与排名"
    assert small[-3:] == ["1", "0", "0"]
    assert rows.index(small) > 2


def test_the_appeals_list_lets_inspectors_decide(login, staff, october) -> None:
    client = login(staff.inspector)
    body = client.get("/dashboard/appeals").get_data(as_text=True)
    number = october["appealed"].number
    assert number in body
    assert f'action="/tickets/{number}/appeal/approve"' in body
    assert "1 非常不满意" in body
    client.post(
        f"/tickets/{number}/appeal/deny",
        data={"reason": "证据不足", "next": "/dashboard/appeals"},
    )
    decided = client.get("/dashboard/appeals?status=denied").get_data(as_text=True)
    assert "证据不足" in decided
    assert (
        client.get("/dashboard/appeals?status=pending")
        .get_data(as_text=True)
        .count(f'action="/tickets/{number}/appeal/approve"')
        == 0
    )


def test_the_appeals_list_is_the_inspectors_and_survives_a_bad_filter(login, staff) -> None:
    assert login(staff.inspector).get("/dashboard/appeals?unit=NOPE").status_code == 200
    for user in (staff.supervisor, staff.agent, staff.admin):
        assert login(user).get("/dashboard/appeals").status_code == 403
