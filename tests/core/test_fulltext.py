"""Chinese words for the full-text search: what is a word, what is left out, the caps."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from hotline.core.fulltext import (
    MAX_QUERY_CHARS,
    MAX_QUERY_WORDS,
    document_tokens,
    document_words,
    query_words,
    words,
)


def test_a_long_word_is_kept_with_the_words_inside_it() -> None:
    assert words("营业执照办理") == ["营业", "执照", "营业执照"]
    assert words("公积金提取") == ["公积", "积金", "公积金", "提取"]


def test_question_words_particles_and_punctuation_are_left_out() -> None:
    assert words("您好，请问怎么办营业执照呢？") == ["营业", "执照", "营业执照"]
    assert words("……！？、") == []
    assert words(None) == []


def test_full_width_and_capital_letters_fold_to_plain_lower_case() -> None:
    assert words("ＥＴＣ卡") == words("etc卡")
    assert "etc" in words("ETC")


def test_numbers_and_codes_split_at_their_punctuation() -> None:
    assert words("缴费基数3.5万元") == ["缴费", "基数", "3", "5", "万元"]
    assert "12345" in words("12345热线")


def test_a_document_is_its_words_and_its_characters_space_separated() -> None:
    assert document_tokens("营业执照", "一网通办") == (
        "营业 执照 营业执照 营 业 执 照 网通 一网通 一 网 通"  # 办: a stop word
    )


def test_a_one_character_query_word_finds_the_longer_word_holding_it() -> None:
    # jieba keeps 税 whole in the question and 税费 whole in the answer: the answer's
    # characters are words too, so the question finds it.
    assert "税" in query_words("个体户要交什么税")
    assert "税" in document_words("个体工商户税费缴纳")
    assert "税" in document_tokens("个体工商户税费缴纳").split()
    assert "税" not in words("个体工商户税费缴纳")


def test_a_query_keeps_its_first_distinct_words_only() -> None:
    assert query_words("营业执照 营业执照 执照") == ["营业", "执照", "营业执照"]
    long = "".join(f"第{n}条政策" for n in range(2_000))
    assert len(query_words(long)) == MAX_QUERY_WORDS
    # Only the start is read: a word after MAX_QUERY_CHARS is not searched for.
    assert "公积金" not in query_words("营" * MAX_QUERY_CHARS + "公积金")


def test_building_the_app_does_not_load_the_dictionary() -> None:
    """jieba's dictionary (about 60 MB per process) loads on a process's first search or
    article write, not in every web and RQ worker at start-up."""
    code = (
        "import sys, config; from hotline import create_app; "
        "cfg = config.load(); cfg.SQLALCHEMY_DATABASE_URI = 'sqlite://'; create_app(cfg); "
        "print(sorted(m for m in sys.modules if m == 'jieba' or m.startswith('jieba.')))"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
