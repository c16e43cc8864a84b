"""A small world for access tests: two units, a user of every role, a ticket and an interview
case of unit A, and path values for every URL parameter the app uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from flask import Flask
from flask_login import FlaskLoginClient
from werkzeug.test import TestResponse

from hotline.auth.tokens import issue_token
from hotline.calls.models import CallbackTask
from hotline.campaign.commitments import service as commitments
from hotline.campaign.inspections import service as inspections
from hotline.campaign.lists import service as lists
from hotline.core.actor import Actor
from hotline.core.extensions import db
from hotline.escalations.models import InterviewCase
from hotline.knowledge import service as knowledge
from hotline.knowledge.service import ArticleDraft
from hotline.tickets.models import Escalation
from tests.factories import UnitFactory, UserFactory, ticket_in

ROLES = (
    "operator",
    "supervisor",
    "unit_agent",
    "unit_head",
    "inspector",
    "admin",
    "special_supervisor",
)
NOW = datetime(2026, 10, 12, 2, 0, tzinfo=UTC)


class _LoginAs:
    """What FlaskLoginClient needs of a user (the id), usable after the session is gone."""

    def __init__(self, user_id: int) -> None:
        self.user_id = user_id

    def get_id(self) -> str:
        # The session names the user's current generation (logout or a role change since would
        # void it), read when the client is made.
        from hotline.auth.models import User
        from hotline.core.extensions import db

        return f"{self.user_id}:{db.session.get(User, self.user_id).generation}"


@dataclass
class World:
    """Plain values only: every request ends its app context and detaches ORM objects."""

    app: Flask
    own_code: str
    other_code: str
    number: str
    second_number: str
    case_id: int
    task_id: int
    escalation_id: int  # a 督办 of unit A's ticket (its answer, its 督办函)
    inspection_id: int  # a spot check of unit A
    finding_id: int  # its finding, answered by nobody yet
    user_ids: dict[tuple[str, str], int] = field(default_factory=dict)
    tokens: dict[tuple[str, str], str] = field(default_factory=dict)
    item_id: int = 0  # a negative-list item of unit A, with one milestone
    milestone_id: int = 0
    commitment_id: int = 0  # a commitment of unit A
    article_id: int = 0  # a knowledge-base article in force

    def key(self, role: str, which: str = "own") -> tuple[str, str]:
        return (role, which if role in ("unit_agent", "unit_head") else "own")

    def values(self) -> dict[str, str]:
        """A value for every path parameter name (API {name} and Flask <name>)."""
        return {
            "number": self.number,
            "code": self.own_code,
            "case_id": str(self.case_id),
            "escalation_id": str(self.escalation_id),
            "inspection_id": str(self.inspection_id),
            "finding_id": str(self.finding_id),
            "item_id": str(self.item_id),
            "milestone_id": str(self.milestone_id),
            "commitment_id": str(self.commitment_id),
            "article_id": str(self.article_id),
            "user_id": str(self.user_ids[("operator", "own")]),
            "notice_id": "1",
            "key_id": "1",
            "task_id": str(self.task_id),
            "job_id": "nojob",
            "purpose": "default",
            "kind": "return",
            "decision": "approve",
            "action": "schedule",
            "name": "missing.jpg",
            "fmt": "json",
            "year": "2026",
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
            headers["Authorization"] = f"Bearer {self.tokens[self.key(role, which)]}"
        else:
            client = FlaskLoginClient(
                self.app,
                self.app.response_class,
                use_cookies=True,
                user=_LoginAs(self.user_ids[self.key(role, which)]),
            )
        if method == "GET":
            response = client.get(url, headers=headers)
        elif api:
            response = client.open(url, method=method, json=body or {}, headers=headers)
        else:
            response = client.post(url, data=body or {}, headers=headers)
        flashed: list[str] = []
        if not api:
            with client.session_transaction() as sess:
                flashed = [category for category, _ in sess.get("_flashes", [])]
        return response, flashed


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
    supervision = Escalation(
        ticket_id=ticket.id, unit_id=own.id, level="supervision", deadline=NOW, created_at=NOW
    )
    db.session.add_all([case, task, supervision])
    db.session.flush()
    inspection = inspections.create(
        actor=Actor.of(users[("inspector", "own")]),
        kind="mystery_visit",
        unit=own.code,
        visited_on=NOW.date(),
        findings=[inspections.FindingDraft("窗口脱岗", "major", (NOW + timedelta(days=5)).date())],
    )
    item = lists.create_item(
        unit=own,
        actor=Actor(role="unit_head", unit_id=own.id, label="world"),
        title="办证找关系",
        milestones=[{"step": "公布清单", "due": date(2026, 10, 20)}],
        now=NOW,
    )
    commitment = commitments.create(
        actor=Actor(role="inspector", label="world"), unit=own.code, text="当场受理", now=NOW
    )
    world = World(
        app,
        own.code,
        other.code,
        ticket.number,
        second.number,
        case.id,
        task.id,
        supervision.id,
        inspection.id,
        inspection.findings[0].id,
        {k: u.id for k, u in users.items()},
        {k: issue_token(u) for k, u in users.items()},
    )
    world.item_id, world.milestone_id = item.id, item.milestones[0].id
    world.commitment_id = commitment.id
    world.article_id = knowledge.create(
        actor=Actor(role="supervisor", label="world"),
        draft=ArticleDraft(title="营业执照办理", body="一网通办平台在线申请。"),
        now=NOW,
    ).id
    return world


def body_for(method: str, path: str, world: World) -> dict | None:
    """A valid body for each action, so an allowed caller gets past validation."""
    if method not in ("POST", "PUT"):
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
        "dispatch": {"unit": world.own_code},
        "return": {"reason": "不属于本单位职责", "suggested_unit": world.other_code},
        "approve": {"reason": "同意"},
        "deny": {"reason": "不同意"},
        "extension": {"days": 2, "reason": "需要现场勘查"},
        "grant": {"days": 2, "reason": "督查批准"},
        "appeal": {"reason": "诉求超出职责范围", "evidence": "答复依据"},
        "reply": {"text": "已处理完毕。"},
        "callback": {"reached": True, "resolved": True, "satisfaction": 5},
        "reopen": {"reason": "未解决"},
        "merge": {"into": world.second_number},
        "reject": {"reason": "不属于受理范围"},
        "schedule": {"at": later, "place": "会议室"},
        "hold": {"minutes": "纪要", "commitment": "整改", "commitment_due": later},
        "rectify": {"evidence": "已整改"},
        "commit": {"commitment": "整改", "commitment_due": later},
        "respond": {"text": "已说明原因", "plan_due": later[:10]},
        "close": {},
        "inspections": {
            "kind": "mystery_visit",
            "unit": world.own_code,
            "date": NOW.date().isoformat(),
            "findings": [{"text": "窗口脱岗", "severity": "major", "rectify_due": later[:10]}],
        },
        "answer": {"text": "已整改"},
        "negative-list": {
            "title": "落户找关系",
            "milestones": [{"step": "公布", "due": "2026-11-01"}],
        },
        "done": {"note": "已公示"},
        "commitments": {"unit": world.own_code, "text": "一次告知"},
        "retire": {"reason": "调整"},
        "breaches": {"ticket": world.number, "note": "推诿"},
        "attempts": {"reached": False, "note": "无人接听"},
        "knowledge": {"title": "公积金提取", "body": "租房提取每年一次。"},
        "{article_id}": {"title": "营业执照办理", "body": "当场发证。", "version": 1},
        "archive": {"version": 1},
        "restore": {"version": 1},
        "resolve-at-source": {"text": "可在一网通办平台申请。"},
        "classify": {"category": "C-NONE", "kind": "complaint"},
        "presence": {"state": "away"},
    }
    return bodies.get(tail, {})
