"""Telling PostgreSQL to join a query's tables in the order it is written, for the few
queries where that order is plainly the best and finding it costs more than running
the query (docs/adr/0052).

PostgreSQL plans each statement afresh: for a join of n tables it weighs the orders they
could be joined in. The screening queue's page of 25 joins the contacts to six tables,
each one row per contact (its screening, screener, source agency, police notification,
handover, referral source): planning it took 6-10 ms, running it half a millisecond.
Written as Django writes it (the contacts first, then each lookup), the order is the
best one; with ``join_collapse_limit`` at 1 for that statement alone, it plans in 1 ms.
Set for every query, the same setting made other queries thousands of times slower
(a pulled-up EXISTS kept where it was written): it is for named queries only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections

# Local to the statement's transaction: in autocommit, the statements sent together.
_AS_WRITTEN = "SELECT set_config('join_collapse_limit', '1', true); "


def _hinted(execute, sql, params, many, context):
    cursor = context["cursor"]
    if many or not isinstance(sql, str) or getattr(cursor.cursor, "name", None):
        return execute(sql, params, many, context)
    result = execute(_AS_WRITTEN + sql, params, many, context)
    # The rows are the last statement's (as pghistory, which may add its own before).
    while cursor.nextset():
        pass
    return result


@contextmanager
def joins_as_written(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """The queries run in this block are planned with their joins in the order written.
    Only outside a transaction: inside one the setting would last until it ends, for
    every later query, so there the queries are planned as usual (as in the tests,
    which run in one; the answer is the same either way, only the time differs)."""
    connection = connections[using]
    if connection.in_atomic_block:
        yield
        return
    with connection.execute_wrapper(_hinted):
        yield
