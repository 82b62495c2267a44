"""Evaluation: metrics from confusion matrices, seeded (group) bootstrap, reports rendered from JSON."""
