"""Spot checks (明察暗访) and special inspections: findings tracked to rectification, climbing
to an interview when overdue (DESIGN §11; docs/CAMPAIGN.md)."""
