"""Reads for notices, downstream outcomes and the scorecard, always scoped to the acting user."""
