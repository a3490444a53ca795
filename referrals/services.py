"""Writes for contacts, subjects and person records.

Keyword-only, typed, one transaction each.
"""
