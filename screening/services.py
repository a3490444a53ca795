"""Writes for the queue, screening, checks and decisions.

Keyword-only, typed, one transaction each.
"""
