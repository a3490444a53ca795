"""Demonstration and synthetic data: made-up people only, never loaded in production.

The top layer: it drives every app's services (and, for the synthetic generator, writes
their tables), and no app imports it (docs/adr/0021-layers-and-the-demo-app.md).
"""
