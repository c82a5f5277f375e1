"""Benchmarks: ``python -m benchmarks.run`` (see benchmarks/RESULTS.md)."""
