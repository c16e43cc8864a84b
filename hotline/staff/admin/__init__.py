"""Admin pages: units, users, catalogue, rules, SLA policies, calendar, API keys."""
