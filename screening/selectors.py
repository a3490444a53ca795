"""Reads for the queue, screening, checks and decisions, always scoped to the acting user."""
