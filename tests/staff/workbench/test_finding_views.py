"""The unit head's findings in the workbench: what is to rectify, the answer with evidence,
what the inspector sent back; another unit's findings are never shown or answered."""

from __future__ import annotations

import io
from datetime import date

import pytest

from hotline.campaign.inspections import findings, service
from hotline.campaign.inspections.models import Finding
from hotline.core.actor import Actor
from hotline.core.extensions import db

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture
def finding(staff, clock) -> Finding:
    clock.set("2026-10-12T15:00:00+08:00")
    inspection = service.create(
        actor=Actor.of(staff.inspector),
        kind="mystery_visit",
        unit=staff.unit.code,
        visited_on=date(2026, 10, 12),
        findings=[service.FindingDraft("窗口人员脱岗20分钟", "major", date(2026, 10, 16))],
    )
    return inspection.findings[0]


@pytest.fixture
def uploads(app, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    try:
        yield tmp_path
    finally:
        app.config["UPLOAD_FOLDER"] = ""  # the declared default


def test_the_head_answers_with_evidence_and_waits_for_review(login, staff, finding, uploads):
    client = login(staff.head)
    page = client.get("/workbench/findings").get_data(as_text=True)
    assert "窗口人员脱岗20分钟" in page
    assert 'data-test="answer-form"' in page
    response = client.post(
        f"/workbench/findings/{finding.id}/answer",
        data={"text": "已建立AB岗制度", "files": (io.BytesIO(PNG), "制度.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Finding, finding.id).status == "answered"
    assert "等待督查审核" in client.get("/workbench/findings").get_data(as_text=True)
    page = client.get("/workbench/findings?tab=answered").get_data(as_text=True)
    assert "已建立AB岗制度" in page
    assert "制度.png" in page
    assert 'data-test="answer-form"' not in page
    link = f"/workbench/findings/files/{finding.inspection_id}/"
    name = page.split(link, 1)[1].split('"', 1)[0]
    assert client.get(link + name).data == PNG


def test_a_sent_back_answer_shows_why_and_can_be_answered_again(login, staff, finding):
    findings.answer(finding_id=finding.id, actor=Actor.of(staff.head), text="已整改")
    findings.reject(finding_id=finding.id, actor=Actor.of(staff.inspector), reason="缺少制度文件")
    page = login(staff.head).get("/workbench/findings").get_data(as_text=True)
    assert "缺少制度文件" in page
    assert 'data-test="answer-form"' in page


def test_an_empty_answer_is_a_message_and_changes_nothing(login, staff, finding):
    client = login(staff.head)
    response = client.post(f"/workbench/findings/{finding.id}/answer", data={"text": " "})
    assert "text" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.get(Finding, finding.id).status == "open"


def test_another_units_head_neither_sees_nor_answers_it(login, staff, finding):
    from tests.factories import UserFactory

    other_head = UserFactory(role="unit_head", unit=staff.other_unit)
    client = login(other_head)
    assert "窗口人员脱岗" not in client.get("/workbench/findings").get_data(as_text=True)
    client.post(f"/workbench/findings/{finding.id}/answer", data={"text": "冒答"})
    assert db.session.get(Finding, finding.id).status == "open"
    url = f"/workbench/findings/files/{finding.inspection_id}/x.png"
    assert client.get(url).status_code == 404


def test_agents_and_other_roles_may_not_open_the_heads_findings(login, staff, finding):
    for user in (staff.agent, staff.inspector, staff.operator):
        client = login(user)
        assert client.get("/workbench/findings").status_code == 403
        response = client.post(f"/workbench/findings/{finding.id}/answer", data={"text": "x"})
        assert response.status_code == 403
    assert db.session.get(Finding, finding.id).status == "open"
