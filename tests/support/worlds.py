"""Records built once for a whole test module, for tests that only read them.

A module-scoped fixture builds its records inside a transaction that is rolled back
after the module's last test. Each test's own transaction (pytest-django's ``db``)
is a savepoint inside it, so whatever a test writes is still undone when that test
ends, and the next test sees the records exactly as built. Only for modules whose
tests run in a transaction (not ``transaction=True``, not ``live_server``):
tests/conftest.py refuses a transactional test while such a world is open.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.db import transaction


def built_once[T](django_db_blocker, build: Callable[[], T]) -> Iterator[T]:
    """For a module-scoped fixture: ``yield from built_once(django_db_blocker, build)``."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
