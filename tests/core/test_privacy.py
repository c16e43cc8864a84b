"""The one masking rule: what a unit's staff see of a complainant's phone and name."""

from __future__ import annotations

import pytest

from hotline.core.privacy import mask_phone, unit_view


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("+8613812345678", "138****5678"),
        ("13812345678", "138****5678"),
        ("+862150001234", "******1234"),  # a landline: at most its last four
        ("+12025550123", "120****0123"),
        ("12345", "***45"),  # a short number shows two digits, not four of five
        ("+8650001234", "****1234"),
        ("", ""),
        (None, None),
    ],
)
def test_a_phone_is_masked_in_the_middle(phone, masked) -> None:
    assert mask_phone(phone) == masked


@pytest.mark.parametrize("length", range(3, 16))
def test_a_masked_number_never_shows_more_than_the_design_format(length) -> None:
    masked = mask_phone("9" * length)
    shown = sum(c.isdigit() for c in masked)
    assert shown <= max(7, length // 2) if length >= 11 else shown <= length // 2


def test_a_unit_sees_a_masked_phone_and_a_name_only_when_disclosed() -> None:
    seen = unit_view(
        phone="+8613812345678", name="王芳", disclose_identity=False, confidential=False
    )
    assert seen == ("138****5678", None)
    seen = unit_view(
        phone="+8613812345678", name="王芳", disclose_identity=True, confidential=False
    )
    assert seen == ("138****5678", "王芳")


def test_a_confidential_complainant_shows_nothing_to_a_unit() -> None:
    seen = unit_view(phone="+8613812345678", name="王芳", disclose_identity=True, confidential=True)
    assert seen == (None, None)
