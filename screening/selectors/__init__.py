"""Reads for the queue, screening, checks and decisions, by seam (see the modules)."""

from screening.selectors.history import *  # noqa: F403
