"""The dashboard shows the special supervisors' filings per unit (监督员反映) and no station."""

from __future__ import annotations

import csv
import io

from hotline.core.actor import Actor
from hotline.core.clock import utcnow
from hotline.tickets import filed
from hotline.tickets import service as tickets
from hotline.tickets import transitions as tx
from tests.factories import OPERATOR, unit_actor
from tests.support.supervisors import appointed, station


def _file(user, unit, *, reply: bool) -> None:
    actor = Actor.of(user)
    ticket = tickets.create(
        actor=actor,
        channel="supervisor",
        filer=filed.filer_for(actor, now=utcnow()),
        description="窗口推诿",
        phone=None,
    )
    tx.dispatch(ticket, actor=OPERATOR, unit=unit.code)
    if reply:
        tx.accept(ticket, actor=unit_actor(unit))
        tx.reply(ticket, actor=unit_actor(unit), text="已整改")


def test_the_figures_show_each_units_supervisor_reports_and_skip_stations(
    login, staff, clock
) -> None:
    desk = station(name="市民中心监督测评站点")
    user = appointed(unit=desk)
    clock.set("2026-10-09T09:00:00+08:00")
    _file(user, staff.unit, reply=True)
    _file(user, staff.unit, reply=False)
    client = login(staff.inspector)

    body = client.get("/dashboard?period=2026-10").get_data(as_text=True)

    assert "监督员反映" in body
    row = body.split(f'data-unit="{staff.unit.code}"')[1].split("</tr>")[0]
    cell = row.split('data-test="supervisor-reports">')[1].split("</td>")[0]
    assert cell == "1/2"  # answered / filed
    assert "市民中心监督测评站点" not in body  # a station takes no tickets: not ranked
    export = client.get("/dashboard/export/figures.csv?period=2026-10")
    rows = list(csv.reader(io.StringIO(export.data.decode("utf-8-sig"))))
    column = rows[0].index("监督员反映")
    mine = next(r for r in rows if r[1] == staff.unit.name)
    assert mine[column] == "2"
