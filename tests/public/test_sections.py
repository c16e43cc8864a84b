"""The unit page's campaign sections: absent until a read is plugged in, then shown in the
shape docs/CAMPAIGN.md gives (objects or mappings), milestones with where they stand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from hotline.campaign.commitments import breaches
from hotline.campaign.commitments import service as commitments
from hotline.campaign.lists import service as lists
from hotline.core.actor import Actor
from hotline.core.extensions import db
from hotline.public import sections
from hotline.public.sections import Section, milestone_state
from tests.factories import UnitFactory, ticket_in

PAGE = "/public/units/PUB-SEC"


@pytest.fixture
def unit(session, clock):
    clock.set("2026-12-02T10:00:00+08:00")
    made = UnitFactory(code="PUB-SEC", name="市行政审批服务局")
    db.session.commit()
    return made


@dataclass
class Commitment:
    staff_name: str | None
    text: str
    measure: str | None
    breaches: int
    kept: bool | None


def test_the_units_approved_items_and_commitments_are_shown_and_nothing_else(client, unit):
    """The two sections read the campaign's own rows: an approved item with its milestones,
    not one still waiting for approval; a commitment broken this year, with its count."""
    head = Actor(role="unit_head", unit_id=unit.id, label="head")
    inspector = Actor(role="inspector", label="inspector")
    shown = lists.create_item(
        unit=unit,
        actor=head,
        title="不动产登记找熟人加急",
        milestones=[{"step": "公开办理时限", "due": date(2026, 12, 20)}],
    )
    lists.approve(item=shown, actor=inspector)
    lists.create_item(
        unit=unit,
        actor=head,
        title="尚未审批的事项",
        milestones=[{"step": "草拟", "due": date(2026, 12, 30)}],
    )
    made = commitments.create(actor=inspector, unit=unit.code, text="当场能办的不让群众跑第二次")
    number = ticket_in("accepted", unit=unit).number
    breaches.add_breach(commitment_id=made.id, actor=inspector, ticket=number, note="推诿")
    db.session.commit()
    html = client.get(PAGE).get_data(as_text=True)
    listed = html.split('data-test="negative-list"')[1]
    assert "不动产登记找熟人加急" in listed
    assert "公开办理时限" in listed
    assert "尚未审批的事项" not in html
    pledged = html.split('data-test="public-commitments"')[1].split("</section>")[0]
    assert "当场能办的不让群众跑第二次" in pledged
    assert "未兑现" in pledged  # broken this year
    assert number not in html  # the breach's ticket and note stay inside
    assert "推诿" not in html
    assert 'data-test="interview-commitments"' in html


def test_plugged_in_sections_show_what_their_reads_return(client, unit, monkeypatch):
    asked = []

    def approved_items(unit_id: int) -> list[dict]:
        asked.append(unit_id)
        return [
            {
                "title": "不动产登记“找熟人”加急",
                "description": None,
                "measures": "一窗受理，办理时限公开，加急渠道取消",
                "responsible_person": "登记科负责人",
                "milestones": [
                    {
                        "step": "公开办理时限",
                        "due": date(2026, 11, 1),
                        "done_at": date(2026, 10, 28),
                    },
                    {"step": "上线预约系统", "due": "2026-11-15", "done_at": "2026-11-20"},
                    {
                        "step": "取消加急窗口",
                        "due": datetime(2026, 11, 30, 16, tzinfo=UTC),
                        "done_at": None,
                    },
                    {"step": "第三方评估", "due": date(2027, 1, 31), "done_at": None},
                ],
            }
        ]

    def public_commitments(unit_id: int) -> list[Commitment]:
        return [
            Commitment(None, "当场能办的不让群众跑第二次", None, 0, None),
            Commitment("窗口工作人员甲", "首问负责", "首问登记", 2, False),
            Commitment("窗口工作人员乙", "限时办结", None, 0, True),
        ]

    monkeypatch.setattr(
        sections,
        "SECTIONS",
        [
            Section("negative_list", "public/_negative_list.html", approved_items),
            Section("commitments", "public/_commitments.html", public_commitments),
        ],
    )
    html = client.get(PAGE).get_data(as_text=True)
    assert asked == [unit.id]
    plan = html.split('data-test="negative-list"')[1].split("</section>")[0]
    assert "不动产登记“找熟人”加急" in plan
    assert "责任人：登记科负责人" in plan
    states = [s for s in ("按期完成", "逾期完成", "已逾期", "推进中") if s in plan]
    assert states == ["按期完成", "逾期完成", "已逾期", "推进中"]
    assert "节点 2026-12-01" in plan  # 16:00 UTC is the next local day
    promised = html.split('data-test="public-commitments"')[1].split("</section>")[0]
    assert "本单位" in promised
    assert "履行中" in promised
    assert "窗口工作人员甲" in promised
    assert "未兑现" in promised
    assert ">2<" in promised
    assert "已兑现" in promised
    # Sections sit before the interview commitments, in the order plugged in.
    assert html.index("negative-list") < html.index("public-commitments")
    assert html.index("public-commitments") < html.index('data-test="interview-commitments"')
    english = client.get(f"{PAGE}?lang=en").get_data(as_text=True)
    assert "Negative list and implementation plan" in english
    assert "Done late" in english


def test_empty_plugged_in_sections_say_so(client, unit, monkeypatch):
    monkeypatch.setattr(
        sections,
        "SECTIONS",
        [
            Section("negative_list", "public/_negative_list.html", lambda unit_id: []),
            Section("commitments", "public/_commitments.html", lambda unit_id: []),
        ],
    )
    html = client.get(PAGE).get_data(as_text=True)
    assert "暂无公开的负面清单事项" in html
    assert "暂无公开承诺" in html


@pytest.mark.parametrize(
    ("milestone", "state"),
    [
        ({"due": date(2026, 12, 1), "done_at": date(2026, 12, 1)}, "done_on_time"),
        ({"due": date(2026, 12, 1), "done_at": date(2026, 12, 2)}, "done_late"),
        ({"due": date(2026, 12, 1), "done_at": None}, "overdue"),
        ({"due": date(2026, 12, 2), "done_at": None}, "pending"),
        ({"due": None, "done_at": None}, "pending"),
        ({"due": "2026-12-01T23:30:00+08:00", "done_at": None}, "overdue"),
    ],
)
def test_milestone_state(app, milestone, state):
    with app.app_context():
        assert milestone_state(milestone, date(2026, 12, 2)) == state
