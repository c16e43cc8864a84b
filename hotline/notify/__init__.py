"""Notifications: the outbox, SMS templates and delivery backends."""
