"""Builders of hand-made test data, shared across the test tree."""
