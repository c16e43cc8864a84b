"""Fixture modules shared by several test folders (registered in tests/conftest.py)."""
