"""Staff accounts, roles, sessions and API credentials."""
