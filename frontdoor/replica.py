"""Reports read from a streaming replica, when there is one (docs/adr/0047).

Reads go to the primary ("default") unless code asks otherwise, by running inside
``reporting_reads()``: a context manager, also usable as a decorator, that the report
entry points use (scorecard counts and downloads, the census and Annex A, the chronology
PDF). Inside it, ordinary ORM reads go to the "replica" alias when ``DATABASE_REPLICA_URL``
configures one and it answers; everything else stays on the primary:

- every write, and every read a write asks for (``select_for_update``, ``get_or_create``);
- every read while the primary's connection is in a transaction: it may hold this
  request's own uncommitted writes, or number a row by counting the earlier ones;
- the people and sign-in models (users, groups, sessions, authenticator devices, lockouts):
  who may see what is never decided from a copy that lags;
- raw SQL, unless it asks ``reporting_connection()`` for its connection.

With no replica configured, or one that does not answer when a report starts, every read
goes to the primary, exactly as without this module. A report whose reads decide what a
person may see of a record (the chronology PDF, which hides entries by their
restrictions) asks for ``reporting_reads(caught_up=True)``: the replica only once it has
replayed everything the primary had written as the report began, so a restriction added
a moment before is applied; else the primary.
"""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, router

logger = logging.getLogger(__name__)

REPLICA = "replica"
# Models whose reads decide who may do what: never read from a copy that lags.
PRIMARY_ONLY_APPS = frozenset({"auth", "sessions", "otp_totp", "otp_static", "axes"})

# The alias reads in the current report go to; None outside one (or with no replica).
_reporting_alias: ContextVar[str | None] = ContextVar("frontdoor_reporting_alias", default=None)
# Per process: until when (time.monotonic()) a replica that did not answer, by where it
# is, is not tried again.
_given_up_until: dict[tuple, float] = {}


def replica_configured() -> bool:
    return REPLICA in connections.settings


def _replica_answers() -> bool:
    """Connect to the replica (or keep the connection there is): a report on a replica
    that is down is counted on the primary instead, with a warning in the log. Then,
    for DATABASE_REPLICA_RETRY_SECONDS, reports here do not try it: an unreachable host
    costs one report its connect_timeout, not every report."""
    connection = connections[REPLICA]
    where = tuple(connection.settings_dict.get(key) for key in ("HOST", "PORT", "NAME"))
    if time.monotonic() < _given_up_until.get(where, 0.0):
        return False
    try:
        # A connection kept from an earlier request or task may be to a standby that has
        # since stopped: Django would find that out only at the first query, and fail it.
        if connection.connection is not None and not connection.is_usable():
            connection.close()
        connection.ensure_connection()
    except DatabaseError as error:
        logger.warning(
            "Reporting replica unavailable (%s); reading from the primary", type(error).__name__
        )
        connection.close()
        _given_up_until[where] = time.monotonic() + settings.DATABASE_REPLICA_RETRY_SECONDS
        return False
    return True


def _replica_caught_up() -> bool:
    """Whether the replica has replayed all the WAL the primary has written so far
    (waiting up to DATABASE_REPLICA_CATCH_UP_SECONDS): then every transaction committed
    before this moment, a restriction included, is visible there."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()")
        (written,) = cursor.fetchone()
    deadline = time.monotonic() + settings.DATABASE_REPLICA_CATCH_UP_SECONDS
    try:
        with connections[REPLICA].cursor() as cursor:
            while True:
                # NULL (not false) on a server that is not a standby: not caught up.
                cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [written])
                if cursor.fetchone()[0]:
                    return True
                if time.monotonic() >= deadline:
                    break
                time.sleep(0.02)
    except DatabaseError as error:
        logger.warning(
            "Reporting replica unavailable (%s); reading from the primary", type(error).__name__
        )
        connections[REPLICA].close()
        return False
    logger.info("Reporting replica behind the primary; this report reads from the primary")
    return False


@contextmanager
def reporting_reads(*, caught_up: bool = False):
    """Send this block's reads to the replica, when one is configured and answers.

    For reads that may lag the primary by a moment: counts and files made from many
    records. Never for a page that must show what the person has just done. With
    ``caught_up``, only once the replica has replayed what the primary had written as
    the block began (for reads that decide what may be shown, such as restrictions)."""
    alias = _reporting_alias.get()
    if alias is None:
        alias = REPLICA if replica_configured() and _replica_answers() else DEFAULT_DB_ALIAS
    if caught_up and alias == REPLICA and not _replica_caught_up():
        alias = DEFAULT_DB_ALIAS
    token = _reporting_alias.set(alias)
    try:
        yield
    finally:
        _reporting_alias.reset(token)


def _replica_for_reads() -> str | None:
    alias = _reporting_alias.get()
    if alias != REPLICA or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return None
    return alias


def reporting_connection(model):
    """The connection raw SQL reading ``model``'s table should use: the one the router
    would give the ORM for it."""
    return connections[router.db_for_read(model)]


class ReportingReplicaRouter:
    """Reads inside ``reporting_reads()`` to the replica; everything else to the primary."""

    def db_for_read(self, model, **hints):
        if model._meta.app_label in PRIMARY_ONLY_APPS or model._meta.label == (
            settings.AUTH_USER_MODEL
        ):
            return DEFAULT_DB_ALIAS
        return _replica_for_reads() or DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica is a copy of the primary: a row read from either may refer to the other.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
