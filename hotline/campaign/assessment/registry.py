"""The one list of assessment components, in the order the tables show them.

Registering a component is one entry here and one key in ASSESSMENT_WEIGHTS's default
(config.DEFAULT_ASSESSMENT_WEIGHTS, rebalanced to sum 100); its Chinese and English labels and
explanations come with the component. docs/CAMPAIGN.md ("Annual target assessment") shows the
lines for the campaign items. Each component reads all the units of a year at once (the campaign
items through their packages' `…_stats_by_unit`), so the assessment's queries do not grow with
the number of units.
"""

from __future__ import annotations

from collections.abc import Sequence

from hotline.campaign.assessment.components import campaign, hotline_figures, interviews
from hotline.campaign.assessment.parts import Component
from hotline.campaign.commitments.fulfilment import commitment_stats_by_unit
from hotline.campaign.inspections.stats import FindingStats, finding_stats_by_unit
from hotline.campaign.lists.progress import milestone_stats_by_unit


def _findings_by_unit(unit_ids: Sequence[int], year: int) -> dict[int, FindingStats]:
    """The inspections package answers for every unit with a finding due in the year in one
    grouped query; the units asked for that are absent had none."""
    return finding_stats_by_unit(year)


COMPONENTS: tuple[Component, ...] = (
    hotline_figures.COMPONENT,
    campaign.negative_list(milestone_stats_by_unit),
    campaign.commitments(commitment_stats_by_unit),
    campaign.inspections(_findings_by_unit),
    interviews.COMPONENT,
)


def components() -> tuple[Component, ...]:
    """The registered components, in table order."""
    return COMPONENTS


def keys() -> tuple[str, ...]:
    """The registered components' keys, in table order."""
    return tuple(c.key for c in COMPONENTS)
