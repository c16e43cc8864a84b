"""The inspector's pages of spot checks: the list, the form that records a visit (a refused
form comes back as typed), an inspection's page and a finding's page with accept / send back."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from hotline.campaign.inspections import findings, service
from hotline.campaign.inspections.models import Finding, Inspection
from hotline.core.actor import Actor
from hotline.core.extensions import db

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture
def uploads(app, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    try:
        yield tmp_path
    finally:
        app.config["UPLOAD_FOLDER"] = ""  # the declared default


def form(staff, **overrides) -> dict:
    data = {
        "kind": "mystery_visit",
        "unit": staff.unit.code,
        "date": "2026-10-12",
        "note": "窗口暗访",
        "finding_text": ["窗口人员脱岗", "", "收费标准未公示"],
        "finding_severity": ["major", "minor", "minor"],
        "finding_due": ["2026-10-16", "", "2026-10-30"],
    }
    data.update(overrides)
    return data


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def recorded(staff) -> Inspection:
    return service.create(
        actor=Actor.of(staff.inspector),
        kind="special",
        unit=staff.unit.code,
        visited_on=date(2026, 10, 12),
        findings=[service.FindingDraft("大厅叫号系统故障未及时修复", "severe", date(2026, 10, 20))],
    )


def test_an_inspector_records_a_visit_with_findings_and_a_photo(login, staff, clock, uploads):
    clock.set("2026-10-12T15:00:00+08:00")
    client = login(staff.inspector)
    page = client.get("/dashboard/inspections/new").get_data(as_text=True)
    assert "记录检查" in page
    assert staff.unit.name in page
    data = form(staff, files=(io.BytesIO(PNG), "暗访照片.png"))
    response = client.post(
        "/dashboard/inspections/new", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    inspection = db.session.scalars(select(Inspection)).one()
    assert response.headers["Location"].endswith(f"/dashboard/inspections/{inspection.id}")
    assert [(f.seq, f.text, f.severity) for f in inspection.findings] == [
        (1, "窗口人员脱岗", "major"),
        (2, "收费标准未公示", "minor"),
    ]
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "检查已记录" in shown
    assert "窗口人员脱岗" in shown
    assert "暗访照片.png" in shown
    link = f"/dashboard/inspections/{inspection.id}/files/"
    name = shown.split(link, 1)[1].split('"', 1)[0]
    assert client.get(link + name).data == PNG
    listed = client.get("/dashboard/inspections").get_data(as_text=True)
    assert f'data-inspection="{inspection.id}"' in listed
    assert "0 / 2" in listed


def test_a_finding_without_a_due_comes_back_as_typed_and_nothing_is_recorded(login, staff, clock):
    clock.set("2026-10-12T15:00:00+08:00")
    client = login(staff.inspector)
    data = form(staff, finding_due=["", "", "2026-10-30"])
    response = client.post("/dashboard/inspections/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "findings.0.rectify_due" in page
    assert "窗口人员脱岗" in page
    assert "收费标准未公示" in page
    assert count(Inspection) == 0


@pytest.mark.parametrize(
    ("change", "shown"),
    [
        ({"finding_severity": ["fatal", "", "minor"]}, "severity"),
        ({"finding_due": ["16/10", "", "2026-10-30"]}, "rectify_due"),
        ({"date": "tomorrow"}, "date"),
        ({"unit": "NOPE"}, "unknown unit"),
        ({"kind": "raid"}, "kind"),
    ],
)
def test_bad_form_values_are_named_on_the_page(login, staff, clock, change, shown):
    clock.set("2026-10-12T15:00:00+08:00")
    response = login(staff.inspector).post("/dashboard/inspections/new", data=form(staff, **change))
    assert response.status_code == 200
    assert shown in response.get_data(as_text=True)
    assert count(Inspection) == 0


def test_a_wrong_file_type_is_refused_on_the_form(login, staff, clock, uploads):
    clock.set("2026-10-12T15:00:00+08:00")
    data = form(staff, files=(io.BytesIO(b"MZ\x90"), "照片.png"))
    response = login(staff.inspector).post(
        "/dashboard/inspections/new", data=data, content_type="multipart/form-data"
    )
    assert "files" in response.get_data(as_text=True)
    assert count(Inspection) == 0
    assert list(uploads.rglob("*.png")) == []


def test_the_finding_page_accepts_or_sends_back_the_heads_answer(login, staff, clock):
    clock.set("2026-10-12T15:00:00+08:00")
    finding = recorded(staff).findings[0]
    findings.answer(finding_id=finding.id, actor=Actor.of(staff.head), text="已更换叫号系统")
    client = login(staff.inspector)
    page = client.get(f"/dashboard/inspections/findings/{finding.id}").get_data(as_text=True)
    assert "已更换叫号系统" in page
    assert 'data-test="accept"' in page

    url = f"/dashboard/inspections/findings/{finding.id}"
    response = client.post(f"{url}/reject", data={"reason": ""})
    assert "reason" in client.get(response.headers["Location"]).get_data(as_text=True)
    client.post(f"{url}/reject", data={"reason": "请提供维修记录"})
    assert db.session.get(Finding, finding.id).status == "open"
    page = client.get(url).get_data(as_text=True)
    assert "请提供维修记录" in page
    assert 'data-test="accept"' not in page

    findings.answer(finding_id=finding.id, actor=Actor.of(staff.head), text="附维修记录")
    client.post(f"{url}/accept")
    db.session.expire_all()
    assert db.session.get(Finding, finding.id).status == "rectified"
    assert db.session.get(Inspection, finding.inspection_id).status == "closed"
    assert client.post(f"{url}/unknown").status_code == 404


def test_accepting_an_open_finding_is_a_message_not_a_change(login, staff, clock):
    clock.set("2026-10-12T15:00:00+08:00")
    finding = recorded(staff).findings[0]
    client = login(staff.inspector)
    response = client.post(f"/dashboard/inspections/findings/{finding.id}/accept")
    assert response.status_code == 302
    assert "open" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.get(Finding, finding.id).status == "open"


@pytest.mark.parametrize("who", ["agent", "head", "operator", "supervisor", "admin"])
def test_only_inspectors_open_the_inspection_pages(login, staff, clock, who):
    clock.set("2026-10-12T15:00:00+08:00")
    inspection = recorded(staff)
    client = login(getattr(staff, who))
    assert client.get("/dashboard/inspections").status_code == 403
    assert client.get(f"/dashboard/inspections/{inspection.id}").status_code == 403
    assert client.post("/dashboard/inspections/new", data=form(staff)).status_code == 403
    assert count(Inspection) == 1


def test_an_unknown_inspection_or_finding_is_404(login, staff):
    client = login(staff.inspector)
    assert client.get("/dashboard/inspections/999999").status_code == 404
    assert client.get("/dashboard/inspections/findings/999999").status_code == 404


def test_the_list_filters_and_flags_overdue_inspections(login, staff, clock):
    clock.set("2026-10-12T15:00:00+08:00")
    inspection = recorded(staff)
    from hotline.campaign.inspections import jobs
    from hotline.core.clock import utcnow

    clock.set("2026-10-22T09:00:00+08:00")
    jobs.climb_overdue_findings(now=utcnow())
    client = login(staff.inspector)
    page = client.get("/dashboard/inspections?status=overdue").get_data(as_text=True)
    assert f'data-inspection="{inspection.id}"' in page
    assert "逾期 1 项" in page
    page = client.get("/dashboard/inspections?status=closed").get_data(as_text=True)
    assert f'data-inspection="{inspection.id}"' not in page
    page = client.get("/dashboard/inspections?unit=NOPE").get_data(as_text=True)
    assert "unknown unit" in page


def test_the_pages_read_in_english_too(login, staff, clock):
    clock.set("2026-10-12T15:00:00+08:00")
    finding = recorded(staff).findings[0]
    client = login(staff.inspector)
    page = client.get("/dashboard/inspections?lang=en").get_data(as_text=True)
    assert "Spot checks and special inspections" in page
    assert "Special inspection" in page
    page = client.get(f"/dashboard/inspections/findings/{finding.id}?lang=en").get_data(
        as_text=True
    )
    assert "Rectify by" in page
    assert "The unit has not reported yet." in page
