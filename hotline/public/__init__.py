"""The public site (no login): last month's ranking and each unit's record, served from a cache."""
