"""Responsible units (承办单位)."""
