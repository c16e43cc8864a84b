"""The text model on its own: it learns to separate categories from a few labelled texts and
answers any text, however hostile, without raising."""

from __future__ import annotations

import pytest

from hotline.classify import textmodel
from tests.classify.helpers import CODES, small_set

# Wording the templates never used: the words carry over.
UNSEEN = {
    "隔壁邻居半夜唱卡拉OK太吵，噪音很大": "noise",
    "老板欠我们半年工资不发": "wage_arrears",
    "买的酸奶过期变质了": "food_safety",
}


@pytest.fixture(scope="module")
def trained() -> textmodel.Trained:
    return textmodel.train(small_set(), holdout=0.25)


def test_a_small_labelled_set_learns_to_separate_three_categories(trained) -> None:
    assert sorted(trained.labels) == sorted(CODES)
    assert trained.holdout_accuracy is not None
    assert trained.holdout_accuracy >= 0.9
    assert set(trained.report) == set(CODES)
    best = {text: textmodel.predict(trained.pipeline, text)[0][0] for text in UNSEEN}
    assert best == UNSEEN


def test_suggestions_are_the_three_most_probable_best_first(trained) -> None:
    guesses = textmodel.predict(trained.pipeline, "工地晚上施工太吵")
    assert guesses[0][0] == "noise"
    assert len(guesses) == 3
    probabilities = [p for _, p in guesses]
    assert probabilities == sorted(probabilities, reverse=True)
    assert 0 < sum(probabilities) <= 1.0001


@pytest.mark.parametrize("text", ["", "   ", None, "😀😡🙏" * 50, "，。！？…"])
def test_a_text_without_words_gets_no_guess(trained, text) -> None:
    assert textmodel.predict(trained.pipeline, text) == []


def test_ten_thousand_characters_are_read_by_their_start(trained) -> None:
    text = "楼下酒吧半夜噪音扰民" + "啊" * 10_000
    assert textmodel.predict(trained.pipeline, text)[0][0] == "noise"


def test_a_stored_model_comes_back_the_same(trained) -> None:
    again = textmodel.loads(textmodel.dumps(trained.pipeline))
    text = "饭店的菜吃了拉肚子"
    assert textmodel.predict(again, text) == textmodel.predict(trained.pipeline, text)


def test_one_category_alone_is_refused() -> None:
    with pytest.raises(ValueError, match="two categories"):
        textmodel.train([("噪音很大", "noise")] * 20)


def test_a_blob_that_is_not_a_model_is_refused() -> None:
    with pytest.raises(Exception):  # noqa: B017, PT011 - whatever unpickling raises
        textmodel.loads(b"not a pickle at all")
    with pytest.raises(TypeError):
        textmodel.loads(textmodel.dumps({"a": 1}))
