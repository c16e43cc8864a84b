"""A small world for access tests: two units, a user of every role, a ticket and an interview
case of unit A, and path values for every URL parameter the app uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask import Flask
from flask_login import FlaskLoginClient
from werkzeug.test import TestResponse

from hotline.api.auth import issue_token
from hotline.auth.models import User
from hotline.escalations.models import InterviewCase
from hotline.extensions import db
from hotline.intake.models import CallbackTask
from hotline.tickets.models import Ticket
from hotline.units.models import Unit
from tests.factories import UnitFactory, UserFactory, ticket_in

ROLES = ("operator", "supervisor", "unit_agent", "unit_head", "inspector", "admin")
NOW = datetime(2026, 10, 12, 2, 0, tzinfo=UTC)


@dataclass
class World:
    app: Flask
    own: Unit
    other: Unit
    ticket: Ticket
    second: Ticket
    case: InterviewCase
    task: CallbackTask
    users: dict[tuple[str, str], User] = field(default_factory=dict)

    def user(self, role: str, which: str = "own") -> User:
        return self.users[(role, which if role in ("unit_agent", "unit_head") else "own")]

    def values(self) -> dict[str, str]:
        """A value for every path parameter name (API {name} and Flask <name>)."""
        return {
            "number": self.ticket.number,
            "code": self.own.code,
            "case_id": str(self.case.id),
            "user_id": str(self.user("operator").id),
            "key_id": "1",
            "task_id": str(self.task.id),
            "job_id": "nojob",
            "purpose": "default",
            "kind": "return",
            "decision": "approve",
            "action": "schedule",
            "name": "missing.jpg",
            "fmt": "json",
            "token": "notoken",
            "service_code": "noise",
            "filename": "css/app.css",
        }

    def call(
        self, method: str, url: str, role: str | None, which: str, api: bool, body: dict | None
    ) -> TestResponse:
        headers = {"Accept": "application/json"} if api else {}
        if role is None:
            client = self.app.test_client()
        elif api:
            client = self.app.test_client()
            headers["Authorization"] = f"Bearer {issue_token(self.user(role, which))}"
        else:
            client = FlaskLoginClient(
                self.app, self.app.response_class, use_cookies=True, user=self.user(role, which)
            )
        if method == "GET":
            return client.get(url, headers=headers)
        if api:
            return client.post(url, json=body or {}, headers=headers)
        return client.post(url, data=body or {}, headers=headers)


def build(app: Flask) -> World:
    own, other = UnitFactory(), UnitFactory()
    users = {}
    for role in ROLES:
        if role in ("unit_agent", "unit_head"):
            users[(role, "own")] = UserFactory(role=role, unit=own)
            users[(role, "other")] = UserFactory(role=role, unit=other)
        else:
            users[(role, "own")] = UserFactory(role=role)
    ticket = ticket_in("accepted", unit=own, now=NOW)
    second = ticket_in("dispatched", unit=own, now=NOW)
    case = InterviewCase(
        unit_id=own.id, status="proposed", trigger="ticket_overdue", reason="超期", opened_at=NOW
    )
    task = CallbackTask(phone="+8613812345678", status="open", created_at=NOW)
    db.session.add_all([case, task])
    db.session.flush()
    return World(app, own, other, ticket, second, case, task, users)


def body_for(method: str, path: str, world: World) -> dict | None:
    """A valid body for each action, so an allowed caller gets past validation."""
    if method != "POST":
        return None
    tail = path.rstrip("/").rsplit("/", 1)[-1]
    later = (NOW + timedelta(days=3)).isoformat()
    bodies: dict[str, dict] = {
        "token": {"username": "nobody", "password": "wrong-password"},
        "tickets": {
            "kind": "complaint",
            "description": "路灯不亮",
            "channel": "phone",
            "complainant": {"phone": "+8613812345678"},
        },
        "accept": {},
        "dispatch": {"unit": world.own.code},
        "return": {"reason": "不属于本单位职责", "suggested_unit": world.other.code},
        "approve": {"reason": "同意"},
        "deny": {"reason": "不同意"},
        "extension": {"days": 2, "reason": "需要现场勘查"},
        "reply": {"text": "已处理完毕。"},
        "callback": {"reached": True, "resolved": True, "satisfaction": 5},
        "reopen": {"reason": "未解决"},
        "merge": {"into": world.second.number},
        "reject": {"reason": "不属于受理范围"},
        "schedule": {"at": later, "place": "会议室"},
        "hold": {"minutes": "纪要", "commitment": "整改", "commitment_due": later},
        "rectify": {"evidence": "已整改"},
        "close": {},
    }
    return bodies.get(tail, {})
