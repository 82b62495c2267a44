"""Comparison of runs: :func:`newsclf.comparison.compare.compare_runs` and ``render``."""
