"""HTML views for the queue, screening, checks and decisions.

Validate, call a service or selector, render.
"""
