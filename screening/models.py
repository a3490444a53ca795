"""Data and invariants for the queue, screening, checks and decisions.

Models arrive with the issue that builds each capability. Dependencies between
apps run one way: referrals -> screening -> outcomes.
"""
