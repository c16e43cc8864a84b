"""A small labelled set of three categories and a model trained on it, stored and active."""

from __future__ import annotations

from bench.corpus import PHRASES, generate
from hotline.catalogue.models import Category
from hotline.classify import store, textmodel
from hotline.classify.models import ClassifierModel
from tests.factories import CategoryFactory

CODES = ("noise", "wage_arrears", "food_safety")


def small_set(per_category: int = 20) -> list[tuple[str, str]]:
    return [s for s in generate(per_category) if s[1] in CODES]


def categories() -> dict[str, Category]:
    """The three categories, without catalogue keywords (so only the model can tell them)."""
    return {code: CategoryFactory(code=code, name=code, keywords=None) for code in CODES}


def active_model(samples: list[tuple[str, str]] | None = None) -> ClassifierModel:
    row = store.store(textmodel.train(samples or small_set(), holdout=0), activate=True)
    store.forget()
    return row


__all__ = ["CODES", "PHRASES", "active_model", "categories", "small_set"]
