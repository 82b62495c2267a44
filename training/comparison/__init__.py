"""Comparison of runs: :func:`training.comparison.compare.compare_runs` and ``render``."""
