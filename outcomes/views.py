"""HTML views for notices, downstream outcomes and the scorecard.

Validate, call a service or selector, render.
"""
