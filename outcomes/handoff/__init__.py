"""Handing decisions to case-management and partner systems (docs/adr/0034)."""
