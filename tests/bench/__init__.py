"""Smoke tests of the benchmark harness (tiny sizes) so it cannot rot between runs."""
