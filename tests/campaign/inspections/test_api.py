"""Recording and reading inspections through /api/v1/inspections: who may, what is refused
(naming the field), what the unit and the credit record see."""

from __future__ import annotations

import pytest

from tests.campaign.inspections.conftest import credit, history, inspection, notices, visit
from tests.support.api import error_fields


def test_an_inspector_records_a_mystery_visit_with_its_findings(people, recorded):
    assert recorded["kind"] == "mystery_visit"
    assert recorded["unit"] == {"code": "C-SCJG", "name": "市市场监管局"}
    assert (recorded["date"], recorded["status"]) == ("2026-10-12", "open")
    first, second = recorded["findings"]
    assert (first["seq"], first["severity"], first["status"]) == (1, "major", "open")
    assert first["rectify_due"] == "2026-10-16"
    # Due by the end of that day, local time, as every hotline deadline.
    assert first["due_at"] == "2026-10-17T00:00:00+08:00"
    assert (first["overdue"], first["answers"], first["interview"]) == (False, [], None)
    assert second["seq"] == 2
    assert [h["type"] for h in recorded["history"]] == ["recorded"]


def test_recording_writes_the_credit_record_and_tells_the_unit_head(people, recorded):
    (entry,) = credit(people.unit)
    assert entry.type == "inspection_recorded"
    assert "明察暗访" in entry.summary
    assert "发现问题2项" in entry.summary
    assert entry.data["inspection"] == recorded["id"]
    (notice,) = notices(f"unit:{people.unit.id}:unit_head")
    assert notice.template == "inspection_recorded"
    assert notice.params["count"] == 2
    text = people.head.get("/api/v1/notices").get_json()["items"][0]["text"]
    assert "明察暗访" in text
    assert "2项问题" in text
    # The agents' inbox is not the head's.
    assert people.agent.get("/api/v1/notices").get_json()["items"] == []


def test_a_clean_visit_with_no_findings_is_recorded_closed(people):
    response = people.inspector.post("/api/v1/inspections", json=visit(kind="special", findings=[]))
    assert response.status_code == 201, response.get_json()
    assert (response.get_json()["status"], response.get_json()["findings"]) == ("closed", [])
    assert "未发现问题" in credit(people.unit)[0].summary
    assert notices(f"unit:{people.unit.id}:unit_head") == []


def test_a_finding_without_rectify_due_is_422_naming_the_field(people):
    body = visit(findings=[{"text": "窗口无人", "severity": "major"}])
    response = people.inspector.post("/api/v1/inspections", json=body)
    assert response.status_code == 422
    assert "findings.0.rectify_due" in response.get_json()["error"]["message"]
    assert "rectify_due" in error_fields(response)["findings"]["0"]
    assert credit(people.unit) == []


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"severity": "catastrophic"}, ("findings", "0", "severity")),
        ({"severity": None}, ("findings", "0", "severity")),
        ({"rectify_due": "16/10/2026"}, ("findings", "0", "rectify_due")),
        ({"rectify_due": "9999-01-01"}, ("findings", "0", "rectify_due")),
        ({"rectify_due": "2026-10-11"}, ("findings", "0", "rectify_due")),  # before the visit
        ({"text": ""}, ("findings", "0", "text")),
        ({"text": "   "}, ("findings", "0", "text")),
        ({"text": "长" * 4001}, ("findings", "0", "text")),
    ],
)
def test_a_bad_finding_is_422_naming_its_field_and_records_nothing(people, change, path):
    finding = {"text": "窗口无人", "severity": "major", "rectify_due": "2026-10-16"} | change
    response = people.inspector.post("/api/v1/inspections", json=visit(findings=[finding]))
    assert response.status_code == 422, response.get_json()
    fields = error_fields(response)
    for key in path:
        fields = fields[key]
    assert fields
    assert credit(people.unit) == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "raid"}, "kind"),
        ({"unit": "NOPE"}, "unit"),
        ({"date": "2026-10-13"}, "date"),  # tomorrow: a visit is recorded after it happened
        ({"date": "1900-01-01"}, "date"),
        ({"date": None}, "date"),
        ({"findings": "many"}, "findings"),
        (
            {"findings": [{"text": "x", "severity": "minor", "rectify_due": "2026-10-16"}] * 51},
            "findings",
        ),
    ],
)
def test_a_bad_inspection_is_422_naming_the_field(people, change, field):
    response = people.inspector.post("/api/v1/inspections", json=visit(**change))
    assert response.status_code == 422, response.get_json()
    assert field in error_fields(response)


def test_a_rectify_due_already_past_is_refused_even_for_an_older_visit(people):
    body = visit(
        date="2026-10-01",
        findings=[{"text": "窗口无人", "severity": "major", "rectify_due": "2026-10-09"}],
    )
    response = people.inspector.post("/api/v1/inspections", json=body)
    assert response.status_code == 422
    assert "rectify_due" in error_fields(response)["findings"]["0"]


@pytest.mark.parametrize("who", ["agent", "head", "operator", "admin"])
def test_only_inspectors_record_inspections(people, who):
    response = getattr(people, who).post("/api/v1/inspections", json=visit())
    assert response.status_code == 403
    assert credit(people.unit) == []


def test_anonymous_callers_are_401(client, people):
    assert client.post("/api/v1/inspections", json=visit()).status_code == 401
    assert client.get("/api/v1/inspections").status_code == 401


def test_the_unit_reads_its_own_inspections_and_nobody_elses(people, recorded):
    people.inspector.post("/api/v1/inspections", json=visit(unit="C-ZJJ"))
    for reader in (people.head, people.agent):
        items = reader.get("/api/v1/inspections").get_json()["items"]
        assert [i["unit"]["code"] for i in items] == ["C-SCJG"]
        one = reader.get(f"/api/v1/inspections/{recorded['id']}")
        assert one.status_code == 200
        assert one.get_json()["findings"][0]["text"] == "窗口工作人员脱岗20分钟"
    assert people.other_head.get(f"/api/v1/inspections/{recorded['id']}").status_code == 404
    theirs = people.other_head.get("/api/v1/inspections").get_json()["items"]
    assert [i["unit"]["code"] for i in theirs] == ["C-ZJJ"]
    # Asking for another unit's by code shows nothing of it.
    assert people.other_head.get("/api/v1/inspections?unit=C-SCJG").get_json()["items"] == []


def test_inspectors_and_admins_read_every_unit_the_hotline_none(people, recorded):
    people.inspector.post("/api/v1/inspections", json=visit(unit="C-ZJJ", kind="special"))
    for reader in (people.inspector, people.admin):
        page = reader.get("/api/v1/inspections").get_json()
        assert page["total"] == 2
    assert people.operator.get("/api/v1/inspections").status_code == 403
    assert people.operator.get(f"/api/v1/inspections/{recorded['id']}").status_code == 403


def test_the_list_filters_by_unit_kind_and_status(people, recorded):
    people.inspector.post("/api/v1/inspections", json=visit(unit="C-ZJJ", kind="special"))
    get = people.inspector.get
    assert [
        i["unit"]["code"] for i in get("/api/v1/inspections?unit=C-ZJJ").get_json()["items"]
    ] == ["C-ZJJ"]
    assert get("/api/v1/inspections?kind=special").get_json()["total"] == 1
    assert get("/api/v1/inspections?status=open").get_json()["total"] == 2
    assert get("/api/v1/inspections?status=closed").get_json()["total"] == 0
    assert get("/api/v1/inspections?status=overdue").get_json()["total"] == 0
    assert get("/api/v1/inspections?status=lost").status_code == 422
    assert "unit" in error_fields(get("/api/v1/inspections?unit=NOPE"))


@pytest.mark.parametrize("inspection_id", [0, 999999, 2**31, 2**40])
def test_an_unknown_inspection_is_404_never_500(people, inspection_id):
    assert people.inspector.get(f"/api/v1/inspections/{inspection_id}").status_code == 404


def test_an_idempotency_key_replays_the_first_answer(people):
    headers = {"Idempotency-Key": "visit-1"}
    first = people.inspector.post("/api/v1/inspections", json=visit(), headers=headers)
    again = people.inspector.post("/api/v1/inspections", json=visit(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(credit(people.unit)) == 1


def test_the_history_of_an_inspection_is_kept(people, recorded):
    assert history(recorded["id"]) == [(None, "recorded")]
    assert inspection(recorded["id"]).inspector_id == people.inspector.user.id
