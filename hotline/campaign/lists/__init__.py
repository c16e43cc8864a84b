"""Negative lists (负面清单): each unit's matters where people tend to need connections, with the
implementation plan (measures, milestones, the responsible person), drafted by the unit head and
approved by an inspector. See docs/CAMPAIGN.md."""
