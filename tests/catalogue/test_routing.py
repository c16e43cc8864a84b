"""Routing decisions: the most specific rule wins; disagreement or silence goes to triage."""

from __future__ import annotations

from hotline.catalogue.routing import Catalogue, Rule, decide
from hotline.tickets import transitions as tx
from tests.factories import CategoryFactory, RoutingRuleFactory, UnitFactory, new_ticket


def rule(id_: int, unit: int, *, category=None, district=None, keywords=(), position=100) -> Rule:
    return Rule(id_, category, district, tuple(keywords), unit, position)


def test_category_default_unit_when_no_rule_matches():
    catalogue = Catalogue((), {7: 70})
    assert decide(catalogue, category_id=7, district=None, description="x").unit_id == 70


def test_district_rule_beats_category_default():
    catalogue = Catalogue((rule(1, 11, category=7, district="东城区"),), {7: 70})
    got = decide(catalogue, category_id=7, district="东城区", description="x")
    assert got.unit_id == 11
    assert decide(catalogue, category_id=7, district="西城区", description="x").unit_id == 70


def test_keyword_rule_routes_uncategorised_text():
    catalogue = Catalogue((rule(1, 12, keywords=("欠薪", "拖欠工资")),), {})
    assert (
        decide(catalogue, category_id=None, district=None, description="公司拖欠工资三个月").unit_id
        == 12
    )
    assert (
        decide(catalogue, category_id=None, district=None, description="路灯坏了").unit_id is None
    )


def test_equally_specific_rules_that_disagree_go_to_triage():
    catalogue = Catalogue((rule(1, 12, keywords=("噪音",)), rule(2, 13, keywords=("施工",))), {})
    decision = decide(catalogue, category_id=None, district=None, description="夜间施工噪音")
    assert decision.unit_id is None
    assert "disagree" in decision.reason


def test_route_uses_stored_rules(session, clock):
    category = CategoryFactory()
    district_unit = UnitFactory()
    RoutingRuleFactory(category=category, district="东城区", unit=district_unit)
    ticket = new_ticket(category=category, district="东城区")
    tx.route(ticket)
    assert ticket.unit_id == district_unit.id
    other = new_ticket(category=category, district="南城区")
    tx.route(other)
    assert other.unit_id == category.default_unit.id
