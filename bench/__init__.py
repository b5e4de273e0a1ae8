"""Benchmarks: ``python -m bench NAME`` (or ``./run bench NAME``); each prints a table with a baseline."""
