"""The clock: working-day calendar, deadline arithmetic and the escalation ladder."""
