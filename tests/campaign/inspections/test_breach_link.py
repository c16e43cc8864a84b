"""A spot-check finding named as the breach of a commitment: found through the lookup the
inspections part registers (hotline/campaign/inspections/findings.py, finding_ref)."""

from __future__ import annotations

from tests.campaign.inspections.conftest import NOW, visit
from tests.support.api import error_fields


def _commitment(people) -> int:
    body = {"unit": "C-SCJG", "staff_name": "王芳", "text": "窗口工作时间不脱岗"}
    made = people.inspector.post("/api/v1/commitments", json=body)
    assert made.status_code == 201, made.get_json()
    return made.get_json()["id"]


def test_a_recorded_finding_breaks_its_units_commitment(people, clock):
    clock.set("2026-10-01T09:00:00+08:00")
    commitment = _commitment(people)
    clock.set(NOW)
    recorded = people.inspector.post("/api/v1/inspections", json=visit()).get_json()
    finding_id = recorded["findings"][0]["id"]
    url = f"/api/v1/commitments/{commitment}/breaches"
    breach = people.inspector.post(url, json={"finding": finding_id, "note": "暗访发现脱岗"})
    assert breach.status_code == 201, breach.get_json()
    assert breach.get_json()["finding"] == finding_id
    assert breach.get_json()["occurred_at"].startswith("2026-10-12")


def test_another_units_finding_or_an_unknown_one_is_refused(people, clock):
    clock.set("2026-10-01T09:00:00+08:00")
    commitment = _commitment(people)
    clock.set(NOW)
    other = people.inspector.post("/api/v1/inspections", json=visit(unit="C-ZJJ")).get_json()
    url = f"/api/v1/commitments/{commitment}/breaches"
    for finding_id in (other["findings"][0]["id"], 999_999):
        refused = people.inspector.post(url, json={"finding": finding_id})
        assert refused.status_code == 422
        assert "finding" in error_fields(refused)
