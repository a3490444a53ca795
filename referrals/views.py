"""HTML views for contacts, subjects and person records.

Validate, call a service or selector, render.
"""
