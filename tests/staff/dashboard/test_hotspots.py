"""/dashboard/hotspots, its drill-down and export, and GET /api/v1/metrics/hotspots: who may
read them, what they show, hostile values."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from hotline.auth.tokens import issue_token
from hotline.metrics import hotspots
from tests.factories import CategoryFactory, new_ticket

TZ = ZoneInfo("Asia/Shanghai")
THIS_MONDAY = date(2026, 11, 30)
HOSTILE = "=cmd|' /C calc'!A0"


def file(n: int, *, monday: date, district: str, category, address: str | None = None) -> None:
    at = datetime.combine(monday + timedelta(days=1), datetime.min.time(), TZ).replace(hour=9)
    for _ in range(n):
        new_ticket(category=category, now=at, district=district, address=address)


@pytest.fixture
def spike(staff, clock):
    """东城区 工地噪音: 1 a week for 8 weeks, then 7 this week, 5 of them at one site."""
    clock.set("2026-12-02T10:00:00+08:00")
    site = CategoryFactory(code="SITE-NOISE", name="工地噪音")
    for k in range(1, 9):
        file(1, monday=THIS_MONDAY - timedelta(weeks=k), district="东城区", category=site)
    file(5, monday=THIS_MONDAY, district="东城区", category=site, address="幸福路12号工地")
    file(2, monday=THIS_MONDAY, district="东城区", category=site, address="幸福路20号")
    file(1, monday=THIS_MONDAY, district="西城区", category=site)
    return site


@pytest.mark.parametrize("role", ["inspector", "admin", "supervisor"])
def test_the_oversight_roles_see_the_spike_and_its_street(login, staff, spike, role) -> None:
    page = login(getattr(staff, role)).get("/dashboard/hotspots")
    assert page.status_code == 200
    html = page.data.decode()
    assert html.count('data-test="spike"') == 1  # 东城区 this week; 西城区's 1 is no spike
    assert "幸福路 <b>7</b>" in html
    assert "幸福路12号工地 <b>5</b>" in html
    first_row = html.index('data-test="series"')
    assert 'data-district="东城区"' in html[first_row : first_row + 120]
    assert 'data-test="nav-hotspots"' in html


@pytest.mark.parametrize("role", ["operator", "agent", "head"])
def test_other_staff_are_refused(login, staff, spike, role) -> None:
    client = login(getattr(staff, role))
    assert client.get("/dashboard/hotspots").status_code == 403
    assert client.get("/dashboard/hotspots/export.xlsx").status_code == 403
    token = issue_token(getattr(staff, role))
    api = client.get("/api/v1/metrics/hotspots", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 403


def test_a_cell_drills_down_to_its_tickets(login, staff, spike) -> None:
    client = login(staff.inspector)
    page = client.get("/dashboard/hotspots/cell?week=2026-W49&district=东城区&category=SITE-NOISE")
    assert page.status_code == 200
    html = page.data.decode()
    rows = html.split('data-test="cell-tickets"')[1]
    assert rows.count("/tickets/") == 7
    assert "幸福路12号工地" in html
    assert "2026-11-30" in html
    assert "2026-12-06" in html
    empty = client.get("/dashboard/hotspots/cell?week=2026-W45&district=-&category=-")
    assert "这一周没有工单" in empty.data.decode()


@pytest.mark.parametrize(
    "query",
    [
        "week=junk&district=东城区&category=SITE-NOISE",
        "week=2026-W49&category=SITE-NOISE",  # no district
        "week=2026-W49&district=东城区&category=NOPE",
    ],
)
def test_a_bad_drill_down_is_a_400(login, staff, spike, query) -> None:
    assert login(staff.inspector).get(f"/dashboard/hotspots/cell?{query}").status_code == 400


@pytest.mark.parametrize("value", ["junk", "2026-W99", "x" * 10_000])
def test_junk_filters_on_the_page_fall_back_to_the_default_view(login, staff, spike, value) -> None:
    page = login(staff.inspector).get(f"/dashboard/hotspots?from={value}")
    assert page.status_code == 200
    html = page.data.decode()
    assert 'data-test="spike"' in html  # the default period, with a message naming the field
    assert "from must be a week" in html
    assert '/dashboard/hotspots/export.xlsx"' in html  # the export without the refused value


def test_the_export_lists_each_series_by_week_with_hostile_text_kept_as_text(
    login, staff, spike
) -> None:
    file(5, monday=THIS_MONDAY, district=HOSTILE, category=spike)
    client = login(staff.inspector)
    book = client.get("/dashboard/hotspots/export.xlsx")
    assert book.status_code == 200
    sheet = load_workbook(io.BytesIO(book.data)).active
    rows = list(sheet.iter_rows())
    head = [c.value for c in rows[0]]
    assert head[:3] == ["区域", "类别代码", "类别"]
    assert head[3] == "2026-W41"
    assert head[11] == "2026-W49"
    hostile = next(r for r in rows if r[0].value == HOSTILE)
    assert hostile[0].data_type == "s"  # the text, never a formula
    east = next(r for r in rows if r[0].value == "东城区")
    assert [c.value for c in east[3:12]] == [1] * 8 + [7]
    assert east[12].value == "2026-W49"
    text = client.get("/dashboard/hotspots/export.csv").data.decode("utf-8-sig")
    assert any(r[0] == "'" + HOSTILE for r in csv.reader(io.StringIO(text)))
    assert client.get("/dashboard/hotspots/export.pdf").status_code == 400


def test_the_api_gives_the_same_cells_spikes_first(client, staff, spike) -> None:
    auth = {"Authorization": f"Bearer {issue_token(staff.supervisor)}"}
    body = client.get("/api/v1/metrics/hotspots", headers=auth).get_json()
    assert body["weeks"][-1] == "2026-W49"
    assert len(body["weeks"]) == 9
    assert (body["spike_factor"], body["min_count"]) == (2.0, 5)
    top = body["cells"][0]
    assert top["district"] == "东城区"
    assert top["category"]["code"] == "SITE-NOISE"
    assert (top["week"], top["count"], top["average"], top["spike"]) == ("2026-W49", 7, 1.0, True)
    only = client.get("/api/v1/metrics/hotspots?spikes=true&district=东城区", headers=auth)
    assert [c["week"] for c in only.get_json()["cells"]] == ["2026-W49"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=junk", "from"),
        ("to=2026-W01&from=2026-W49", "to"),
        ("from=2020-W01", "from"),
        ("category=NOPE", "category"),
        ("to=" + "9" * 10_000, "to"),
        ("spikes=maybe", "spikes"),
    ],
)
def test_the_api_names_the_bad_field(client, staff, spike, query, field) -> None:
    auth = {"Authorization": f"Bearer {issue_token(staff.inspector)}"}
    response = client.get(f"/api/v1/metrics/hotspots?{query}", headers=auth)
    assert response.status_code in (400, 422)
    assert field in response.get_data(as_text=True)


def test_the_api_wants_a_token(client, spike) -> None:
    assert client.get("/api/v1/metrics/hotspots").status_code == 401


def test_places_of_several_cells_come_apart_in_one_query(session, clock, count_queries) -> None:
    clock.set("2026-12-02T10:00:00+08:00")
    site, road = CategoryFactory(code="SITE"), CategoryFactory(code="ROAD")
    file(3, monday=THIS_MONDAY, district="东城区", category=site, address="幸福路12号工地")
    file(2, monday=THIS_MONDAY, district="东城区", category=road, address="和平街3号")
    file(2, monday=THIS_MONDAY, district=None, category=site, address="人民大街1号")
    keys = [("东城区", site.id), ("东城区", road.id), (None, site.id)]
    with count_queries() as seen:
        found = hotspots.places_of_cells(keys, monday=THIS_MONDAY)
    assert len(seen) == 1
    assert found[("东城区", site.id)]["streets"] == [("幸福路", 3)]
    assert found[("东城区", road.id)]["streets"] == [("和平街", 2)]
    assert found[(None, site.id)]["addresses"] == [("人民大街1号", 2)]


def test_the_page_reads_in_english_too(login, staff, spike) -> None:
    html = login(staff.inspector).get("/dashboard/hotspots?lang=en").data.decode()
    assert "<h1>Hot spots</h1>" in html
    assert "Most frequent streets" in html
    assert "Tickets filed per district × category × week" in html
