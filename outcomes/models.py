"""Data and invariants for notices, downstream outcomes and the scorecard.

Models arrive with the issue that builds each capability. Dependencies between
apps run one way: referrals -> screening -> outcomes.
"""
