"""The one list of assessment components, in the order the tables show them.

Registering a component is one entry here and one key in ASSESSMENT_WEIGHTS's default
(config.DEFAULT_ASSESSMENT_WEIGHTS, rebalanced to sum 100); its Chinese and English labels and
explanations come with the component. docs/CAMPAIGN.md ("Annual target assessment") shows the
lines for the campaign items.
"""

from __future__ import annotations

from hotline.campaign.assessment.components import campaign, hotline_figures, interviews
from hotline.campaign.assessment.parts import Component
from hotline.campaign.commitments.fulfilment import commitment_stats
from hotline.campaign.inspections.stats import finding_stats
from hotline.campaign.lists.progress import milestone_stats

COMPONENTS: tuple[Component, ...] = (
    hotline_figures.COMPONENT,
    campaign.negative_list(milestone_stats),
    campaign.commitments(commitment_stats),
    campaign.inspections(finding_stats),
    interviews.COMPONENT,
)


def components() -> tuple[Component, ...]:
    """The registered components, in table order."""
    return COMPONENTS


def keys() -> tuple[str, ...]:
    """The registered components' keys, in table order."""
    return tuple(c.key for c in COMPONENTS)
