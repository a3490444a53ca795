"""The backup tests' fixtures (tests/support/backups.py)."""

from tests.support.backups import clamd, data, fresh_database, module_clamd  # noqa: F401
