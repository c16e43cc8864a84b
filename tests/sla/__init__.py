"""Tests for the SLA clock maths."""
