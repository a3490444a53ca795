"""Reads for contacts, subjects and person records, always scoped to the acting user."""
