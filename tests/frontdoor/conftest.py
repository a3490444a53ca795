"""The backup tests' fixtures (tests/support/backups.py, tests/support/documents.py)."""

from tests.support.backups import data, fresh_database  # noqa: F401
from tests.support.documents import clamd, module_clamd  # noqa: F401
