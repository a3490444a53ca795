"""Data and invariants for contacts, subjects and person records.

Models arrive with the issue that builds each capability. Dependencies between
apps run one way: referrals -> screening -> outcomes.
"""
