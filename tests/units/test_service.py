"""units.service.get_by_code: the one lookup of a unit by its code."""

from __future__ import annotations

import pytest

from hotline.core.errors import NotFound, ValidationFailed
from hotline.units.service import find_by_code, get_by_code
from tests.factories import UnitFactory


def test_a_unit_is_found_by_its_code(session) -> None:
    unit = UnitFactory()
    assert get_by_code(unit.code) is unit
    assert find_by_code(unit.code) is unit


def test_an_unknown_code_is_not_found_or_a_bad_field(session) -> None:
    assert find_by_code("NOPE") is None
    with pytest.raises(NotFound, match="no unit NOPE"):
        get_by_code("NOPE")
    with pytest.raises(ValidationFailed) as bad:
        get_by_code("NOPE", field="suggested_unit")
    assert bad.value.fields == {"suggested_unit": ["unknown unit"]}


def test_an_inactive_unit_counts_only_where_inactive_ones_may(session) -> None:
    unit = UnitFactory(active=False)
    assert get_by_code(unit.code) is unit
    with pytest.raises(ValidationFailed):
        get_by_code(unit.code, field="unit", active_only=True)
