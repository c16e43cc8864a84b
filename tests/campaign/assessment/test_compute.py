"""How parts become a total and a ranking (pure functions, no database)."""

from __future__ import annotations

from hotline.campaign.assessment.compute import Rules, flag, rank, total_of
from hotline.campaign.assessment.parts import Component, Part, share_scorer

RULES = Rules(pass_score=60, ranking_min_tickets=10, min_ranked=3)


def component(key: str) -> Component:
    return Component(key, key, key, 10, lambda ids, year: {})


def test_the_total_is_the_weighted_mean_and_the_sum_of_its_points():
    total, lines = total_of(
        [(component("a"), 70, Part(90.0, "", "")), (component("b"), 30, Part(100.0, "", ""))]
    )

    assert total == 93.0
    assert [(line["share"], line["points"]) for line in lines] == [(70.0, 63.0), (30.0, 30.0)]


def test_a_part_without_data_shares_its_weight_out_in_proportion():
    total, lines = total_of(
        [
            (component("a"), 40, Part(80.0, "", "")),
            (component("b"), 40, Part(None, "no data", "no data")),
            (component("c"), 20, Part(50.0, "", "")),
        ]
    )

    assert [line["share"] for line in lines] == [66.67, 0.0, 33.33]
    assert [line["points"] for line in lines] == [53.33, None, 16.67]
    assert total == 70.0


def test_points_are_rounded_and_the_total_is_their_sum_so_the_breakdown_adds_up():
    total, lines = total_of(
        [(component(k), 1, Part(s, "", "")) for k, s in (("a", 33.33), ("b", 33.33), ("c", 33.34))]
    )

    assert total == round(sum(line["points"] for line in lines), 2)


def test_an_apart_part_does_not_count_and_nothing_counted_is_no_total():
    total, lines = total_of([(component("a"), 100, Part(95.0, "", "", apart=True))])

    assert total is None
    assert lines[0]["counted"] is False
    assert lines[0]["score"] == 95.0


def rows(*totals: float | None, eligible: bool = True) -> list[dict]:
    return [{"total": t, "eligible": eligible} for t in totals]


def test_ties_share_a_rank_and_the_next_rank_skips():
    found = rows(90, 80, 80, 70)

    assert rank(found) == 4
    assert [r["rank"] for r in found] == [1, 2, 2, 4]


def test_units_apart_or_without_a_total_have_no_rank():
    found = rows(90, None) + rows(99, eligible=False)

    assert rank(found) == 1
    assert [r["rank"] for r in found] == [1, None, None]


def test_the_last_of_three_or_more_is_flagged_and_everybody_tied_is_nobody_last():
    three = rows(90, 80, 70)
    flag(three, rank(three), 2026, RULES)
    assert [r["last"] for r in three] == [False, False, True]
    assert "排名末位（第3名，共3个单位）" in three[2]["interview"]["reason"]

    tied = rows(80, 80, 80)
    flag(tied, rank(tied), 2026, RULES)
    assert not any(r["last"] for r in tied)

    two = rows(90, 70)
    flag(two, rank(two), 2026, RULES)  # a ranking of two has no 末位
    assert not any(r["last"] for r in two)


def test_under_the_pass_score_is_flagged_even_apart_from_the_ranking():
    found = rows(59.99, eligible=False) + rows(None, eligible=False)

    flag(found, rank(found), 2026, RULES)

    assert found[0]["passed"] is False
    assert "低于合格线60分" in found[0]["interview"]["reason"]
    assert found[1]["passed"] is None
    assert found[1]["interview"] is None


def test_a_share_scorer_reads_every_unit_at_once_and_explains_due_and_done_or_scores_nothing():
    calls = []

    def stats(unit_ids, year):
        calls.append((list(unit_ids), year))
        return {1: (8, 6), 2: (0, 0)}  # 3 is left out: it had nothing due

    score = share_scorer(
        stats,
        counted_zh="到期里程碑",
        done_zh="按期完成",
        counted_en="milestones due",
        done_en="done on time",
    )

    parts = score([1, 2, 3], 2026)

    assert calls == [([1, 2, 3], 2026)]
    assert parts[1].score == 75.0
    assert parts[1].explanation == "到期里程碑8项，按期完成6项：6÷8×100 = 75.00"
    assert parts[1].explanation_en == "8 milestones due, 6 done on time: 6 ÷ 8 × 100 = 75.00"
    assert parts[2].score is None
    assert parts[2].counted is False
    assert (parts[3].score, parts[3].explanation) == (None, "年内无到期里程碑，不计分")
    assert score([], 2026) == {}
    assert len(calls) == 1  # no units, nothing to read
