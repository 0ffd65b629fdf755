"""Compute: monitoring indicators and comparisons from the ingested tables."""
