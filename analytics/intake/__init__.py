"""Intake: raw registry, workforce and roster rows to clean, matched records."""
