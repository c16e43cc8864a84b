"""Fault injection: Redis, PostgreSQL and workers failing under load."""
