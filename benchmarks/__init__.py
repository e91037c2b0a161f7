"""Benchmarks: scripts that print figures (run with scripts/bench)."""
