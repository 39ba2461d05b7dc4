"""Benchmarks run as commands (python -m bench.reads), not as timed tests."""
