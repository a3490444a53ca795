"""Writes for notices, downstream outcomes and the scorecard.

Keyword-only, typed, one transaction each.
"""
