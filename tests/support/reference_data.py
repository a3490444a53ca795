"""The rows the data migrations put in the test database (census codes, roles, referral
sources, bank holidays), and putting them back after a transactional test's flush.

Django serializes the migrated test database once; each transactional test starts by
loading it (serialized rollback) and ends by flushing every table. Nothing reloads them
until the next transactional test, so a test in a rolled-back transaction, or a module's
shared world (tests/support/worlds.py), that comes after one in the same process gets
them put back first. pytest-django runs those tests first, but pytest-xdist may hand one
to a process that has already run a transactional test.
"""

from __future__ import annotations

MIGRATED_CONTENTS: dict[str, str] = {}
_state = {"flushed": False}


def keep_migrated_contents() -> None:
    """Keep the migrated database's serialized contents: Django holds them on the
    connection object, which does not survive everything a test session does."""
    from django.db import connections

    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents is not None:
            MIGRATED_CONTENTS[alias] = contents


def give_connections_their_contents() -> None:
    from django.db import connections

    for alias, contents in MIGRATED_CONTENTS.items():
        connections[alias]._test_serialized_contents = contents


def transactional_test_starts() -> None:
    """Its flush at the end leaves the tables empty."""
    _state["flushed"] = True


def put_back_if_flushed(django_db_blocker) -> None:
    from django.db import connections

    if not _state["flushed"]:
        return
    with django_db_blocker.unblock():
        for alias, contents in MIGRATED_CONTENTS.items():
            connections[alias].creation.deserialize_db_from_string(contents)
    _state["flushed"] = False
