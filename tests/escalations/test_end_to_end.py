"""Issue 3's "done when": an API ticket climbs the ladder under `flask sla sweep --now …` into an
interview an inspector schedules and holds, the head commits and rectifies, the inspector
closes, and the figures show the unit's rates."""

from __future__ import annotations

from hotline.auth.tokens import issue_token
from tests.factories import UnitFactory, UserFactory


def auth(user) -> dict:
    return {"Authorization": f"Bearer {issue_token(user)}"}


def test_api_ticket_climbs_the_ladder_into_an_interview_and_the_figures(client, runner, clock):
    clock.set("2026-09-30T10:00:00+08:00")
    unit = UnitFactory(code="CITY-URBAN")
    operator = UserFactory(role="operator")
    agent = UserFactory(role="unit_agent", unit=unit)
    head = UserFactory(role="unit_head", unit=unit)
    inspector = UserFactory(role="inspector")

    created = client.post(
        "/api/v1/tickets",
        json={
            "channel": "phone",
            "kind": "complaint",
            "description": "小区门口占道经营，噪音扰民",
            "complainant": {"phone": "13812345678"},
        },
        headers=auth(operator),
    )
    assert created.status_code == 201, created.json
    number = created.json["number"]
    dispatched = client.post(
        f"/api/v1/tickets/{number}/dispatch", json={"unit": unit.code}, headers=auth(operator)
    )
    assert dispatched.status_code == 200, dispatched.json
    assert dispatched.json["resolve_due_at"] == "2026-10-14T00:00:00+08:00"
    accepted = client.post(f"/api/v1/tickets/{number}/accept", json={}, headers=auth(agent))
    assert accepted.status_code == 200, accepted.json

    for now, level in [
        ("2026-10-11T07:00:00+08:00", "warning"),
        ("2026-10-14T00:00:00+08:00", "overdue"),
        ("2026-10-16T00:00:00+08:00", "supervision"),
        ("2026-10-21T00:00:00+08:00", "interview"),
    ]:
        for _ in range(2):  # the second run of the same instant finds nothing new
            result = runner.invoke(args=["sla", "sweep", "--now", now])
            assert result.exit_code == 0, result.output
        ticket = client.get(f"/api/v1/tickets/{number}", headers=auth(operator)).json
        assert ticket["escalation_level"] == level
    ladder = client.get(f"/api/v1/escalations?ticket={number}", headers=auth(inspector)).json
    assert sorted(e["level"] for e in ladder["items"]) == sorted(
        ["warning", "overdue", "supervision", "interview"]
    )

    cases = client.get(f"/api/v1/interviews?unit={unit.code}", headers=auth(inspector)).json
    assert [(c["status"], c["tickets"]) for c in cases["items"]] == [("proposed", [number])]
    url = f"/api/v1/interviews/{cases['items'][0]['id']}"
    steps = [
        (
            "2026-10-22T09:00",
            inspector,
            "schedule",
            {"at": "2026-10-26T09:30:00+08:00", "place": "302会议室"},
        ),
        ("2026-10-26T11:00", inspector, "hold", {"minutes": "说明超期原因"}),
        (
            "2026-10-26T15:00",
            head,
            "commit",
            {"commitment": "一周内整改", "commitment_due": "2026-11-02T00:00:00+08:00"},
        ),
        ("2026-10-30T10:00", head, "rectify", {"evidence": "整改报告"}),
        ("2026-10-30T16:00", inspector, "close", None),
    ]
    for at, user, action, body in steps:
        clock.set(f"{at}:00+08:00")
        r = client.post(f"{url}/{action}", json=body, headers=auth(user))
        assert r.status_code == 200, (action, r.json)
    assert client.get(url, headers=auth(inspector)).json["closed_at"] is not None

    clock.set("2026-11-01T09:00:00+08:00")
    from hotline.oversight.jobs import rollup_figures

    rollup_figures()
    figures = client.get(
        f"/api/v1/metrics?from=2026-09-01&to=2026-10-31&unit={unit.code}",
        headers=auth(inspector),
    ).json["items"][0]
    assert figures["counts"]["dispatched"] == 1
    assert figures["counts"]["overdue"] == 1
    assert figures["counts"]["escalations"] == 3  # 催办, 督办, 约谈
    assert figures["counts"]["interviews"] == 1
    assert figures["rates"]["response"] == 1.0
    assert figures["rates"]["on_time"] == 0.0  # due once (at 催办), never replied on time
