"""Spot-check findings as a breach may name them: a lookup the inspections part registers.

Commitments must not import the inspections part (it may well import commitments to record a
breach from a finding), so it registers how a finding id is looked up, the way
`hotline.auth.tokens` registers the bearer-token resolver:

    from hotline.campaign.commitments.findings import FindingRef, finding_lookup

    @finding_lookup
    def finding_ref(finding_id: int) -> FindingRef | None:
        ...  # None when there is no such finding

Until one is registered, a breach naming a finding is refused (422 on `finding`): an id nobody
can check is not recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from hotline.core.errors import ValidationFailed


@dataclass(frozen=True)
class FindingRef:
    """What a breach needs of a finding: whose it is and when it was made."""

    id: int
    unit_id: int
    found_at: datetime  # the breach counts in this instant's local year


_lookups: list[Callable[[int], FindingRef | None]] = []


def finding_lookup(
    lookup: Callable[[int], FindingRef | None],
) -> Callable[[int], FindingRef | None]:
    """Register the function that finds a finding by id (None when there is none)."""
    _lookups[:] = [lookup]
    return lookup


def find(finding_id: int) -> FindingRef:
    """The finding with this id; 422 on `finding` when there is none or nobody can look."""
    if not _lookups:
        raise ValidationFailed(
            "spot-check findings cannot be linked yet (no inspections are recorded here)",
            fields={"finding": ["findings are not available"]},
        )
    ref = _lookups[0](finding_id) if 0 < finding_id < 2**31 else None
    if ref is None:
        raise ValidationFailed(f"no finding {finding_id}", fields={"finding": ["unknown finding"]})
    return ref
