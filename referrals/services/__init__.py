"""Writes for contacts, subjects and person records, by seam (see the modules)."""

from referrals.services.intake import *  # noqa: F403
