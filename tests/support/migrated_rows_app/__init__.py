"""A test-only app: its ``flush`` puts the test database back to the rows ``migrate``
left (tests/support/migrated_rows.py). Listed first in INSTALLED_APPS by
frontdoor/settings/test.py, so its command is the one Django's test cases call."""
