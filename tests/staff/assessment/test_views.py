"""The assessment pages: the year's table, breakdown and chart for inspectors, finalising from
the page, the XLSX/CSV export (formula-looking text stays text) and the admins' weights form."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from hotline.campaign.assessment import registry
from hotline.core.extensions import db
from tests.campaign.assessment.conftest import WEIGHTS, day_figures
from tests.factories import UnitFactory

PAGE = "/dashboard/assessment/2026"


def test_inspectors_see_the_ranking_the_breakdown_and_the_chart(login, staff, year):
    page = login(staff.inspector).get(PAGE)

    assert page.status_code == 200
    html = page.data.decode()
    assert "2026 年度目标考核" in html
    assert "草稿" in html
    ranked = html.split('data-test="assessment"')[1].split("</table>")[0]
    assert re.findall(r'data-unit="([A-Z]-UNIT)"', ranked) == [
        "A-UNIT",
        "C-UNIT",
        "B-UNIT",
        "E-UNIT",
    ]
    assert "样本不足，不参与排名" in html  # D, and the staff fixture's units without tickets
    assert "总分</b> = 63.00 + 30.00 = <b>93.00" in html
    assert "年内派单20件" in html
    assert 'data-test="finalise-form"' in html
    chart = json.loads(html.split('id="chartdata">')[1].split("</script>")[0])
    a = next(u for u in chart["units"] if u["code"] == "A-UNIT")
    assert a["scores"][2] == 90.0
    assert a["scores"][6] == 90.0
    assert a["scores"][0] is None


def test_the_page_speaks_english_too(login, staff, year):
    html = login(staff.inspector).get(PAGE + "?lang=en").data.decode()

    assert "2026 annual target assessment" in html
    assert "Hotline handling" in html
    assert "20 tickets dispatched" in html


def test_admins_read_the_page_but_only_inspectors_finalise(login, staff, year):
    html = login(staff.admin).get(PAGE).data.decode()

    assert "2026 年度目标考核" in html
    assert 'data-test="finalise-form"' not in html
    assert login(staff.admin).post(PAGE + "/finalise", data={}).status_code == 403


@pytest.mark.parametrize("role", ["agent", "head", "operator"])
def test_other_roles_may_not_open_the_page(login, staff, year, role):
    assert login(getattr(staff, role)).get(PAGE).status_code == 403


def test_the_menu_link_opens_this_year(login, staff, year):
    response = login(staff.inspector).get("/dashboard/assessment")

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dashboard/assessment/2027")


def test_a_year_out_of_range_is_an_error_page_not_a_crash(login, staff, year):
    response = login(staff.inspector).get("/dashboard/assessment/1999")

    assert response.status_code == 422
    assert b"year" in response.data


def test_an_inspector_finalises_from_the_page(login, staff, year):
    client = login(staff.inspector)

    response = client.post(PAGE + "/finalise", data={"reason": ""}, follow_redirects=True)

    html = response.data.decode()
    assert "已定稿。" in html
    assert "已定稿 第1版" in html
    assert "约谈案件 #" in html  # E falls short: its case is on the page
    again = client.post(PAGE + "/finalise", data={"reason": ""}, follow_redirects=True)
    assert "reason is required to finalise again" in again.data.decode()


def test_finalising_before_the_year_is_over_is_refused_with_a_message(login, staff, year, clock):
    clock.set("2026-12-31T12:00:00+08:00")

    html = login(staff.inspector).post(PAGE + "/finalise", follow_redirects=True).data.decode()

    assert "2026 is not over" in html
    assert "草稿" in html


HOSTILE_NAME = '=HYPERLINK("http://evil.example","甲局")'
HOSTILE_REASON = "=cmd|' /C calc'!A0"


def test_the_export_keeps_formula_looking_text_as_text(login, staff, year, clock):
    year.a.name = HOSTILE_NAME
    db.session.commit()
    client = login(staff.inspector)
    client.post(PAGE + "/finalise", data={"reason": ""})
    clock.set("2027-01-06T10:00:00+08:00")
    client.post(PAGE + "/finalise", data={"reason": HOSTILE_REASON})

    xlsx = client.get(PAGE + "/export.xlsx")

    assert xlsx.status_code == 200
    assert "assessment-2026-v2" in xlsx.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    rows = list(sheet.iter_rows())
    headers = [c.value for c in rows[0]]
    assert headers[:4] == ["排名", "单位编码", "单位", "总分"]
    a = next(r for r in rows if r[1].value == "A-UNIT")
    assert (a[0].value, a[3].value) == (1, 93.0)
    assert a[2].value == HOSTILE_NAME
    assert a[2].data_type == "s"
    assert a[-1].value.endswith(HOSTILE_REASON)
    assert a[-1].data_type == "s"
    d = next(r for r in rows if r[1].value == "D-UNIT")
    assert d[0].value == "样本不足，不参与排名"

    text = client.get(PAGE + "/export.csv").data.decode("utf-8-sig")
    row = next(r for r in csv.reader(io.StringIO(text)) if r[1] == "A-UNIT")
    assert row[2] == "'" + HOSTILE_NAME


def test_an_unknown_export_format_is_refused(login, staff, year):
    assert login(staff.inspector).get(PAGE + "/export.pdf").status_code == 422


def test_the_page_reads_in_a_bounded_number_of_queries(login, staff, year, count_queries):
    client = login(staff.inspector)
    with count_queries() as seen:
        assert client.get(PAGE).status_code == 200
    for n in range(12):
        unit = UnitFactory(code=f"M-UNIT-{n:02d}")
        day_figures(unit, date(2026, 4, 1), 0.7, dispatched=12)
    db.session.commit()
    with count_queries() as with_more_units:
        assert client.get(PAGE).status_code == 200

    # Every component (the three campaign items too) reads all units at once: twelve more
    # units, not one query more.
    assert len(with_more_units) == len(seen), "\n".join(with_more_units)
    assert len(seen) <= 25, "\n".join(seen)


# The form as an admin fills it: a weight for every registered component, summing to 100.
FILLED = {
    "weight.hotline": "60",
    "weight.negative_list": "10",
    "weight.commitments": "5",
    "weight.inspections": "5",
    "weight.interviews": "20",
}


def test_an_admin_sets_the_weights_on_the_form(login, staff, year):
    client = login(staff.admin)

    form = client.get("/admin/assessment/weights?year=2026").data.decode()
    saved = client.post(
        "/admin/assessment/weights", data={"year": "2026", **FILLED}, follow_redirects=True
    ).data.decode()

    # One field per registered component, filled with the weight the year is scored with now.
    fields = re.findall(r'name="weight\.(\w+)"[^>]*value="([^"]*)"', form)
    assert fields == [(c.key, f"{WEIGHTS[c.key]:g}") for c in registry.components()]
    assert "已保存。" in saved
    assert "管理员为本年度设定的权重" in saved
    saved_fields = dict(re.findall(r'name="weight\.(\w+)"[^>]*value="([^"]*)"', saved))
    assert saved_fields == {name.removeprefix("weight."): value for name, value in FILLED.items()}


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"weight.hotline": "50"}, "weights must sum to 100, got 90"),
        ({"weight.hotline": "80", "weight.interviews": "-20"}, "weights.interviews"),
        ({"weight.hotline": "六十"}, "weights.hotline"),
        ({"weight.hotline": "nan"}, "weights.hotline"),
        ({"weight.inspections": ""}, "weights.inspections"),
    ],
)
def test_bad_weights_on_the_form_are_refused_naming_the_field(login, staff, year, values, message):
    html = (
        login(staff.admin)
        .post(
            "/admin/assessment/weights",
            data={"year": "2026", **FILLED, **values},
            follow_redirects=True,
        )
        .data.decode()
    )

    assert message in html
    assert "默认权重（本年度尚未设定）" in html


def test_only_admins_open_the_weights_form(login, staff, year):
    assert login(staff.inspector).get("/admin/assessment/weights").status_code == 403
