"""Positions in the pull feed, given after commit.

A database sequence hands out numbers as rows are inserted, not as their transactions
commit: an event numbered 11 may commit before one numbered 10, and a system that read
up to 11 would never see 10. So an event is written without a position (and listed in
``CaseEventWaiting``), and once its transaction has committed, ``events_sequence``
gives every committed event still waiting the positions after the highest given so far.
One sequencer runs at a time (a transaction-level advisory lock), and each starts after
the previous one committed, so no position is ever given below one a reader could already have seen:
the feed only ever grows at its end.
"""

from __future__ import annotations

from django.db import connection, transaction

# Any number unique among the app's advisory locks (see frontdoor/ for the others).
SEQUENCER_LOCK = 0x46_44_53_51  # "FDSQ"

# Only committed rows are seen (and taken off the list): an event whose transaction is
# still open waits for the sequencing after its commit.
_SEQUENCE = """
WITH taken AS (
    DELETE FROM outcomes_caseeventwaiting RETURNING event_id
),
waiting AS (
    SELECT event_id, row_number() OVER (ORDER BY event_id) AS n FROM taken
),
highest AS (
    SELECT coalesce(max(position), 0) AS at FROM outcomes_caseevent
)
UPDATE outcomes_caseevent AS event
SET position = highest.at + waiting.n
FROM waiting, highest
WHERE event.id = waiting.event_id
"""


def events_sequence() -> int:
    """Give committed events their feed positions; returns how many were given. Safe
    to call from anywhere, any number of times (each call waits for the one before)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEQUENCER_LOCK])
        cursor.execute(_SEQUENCE)
        return cursor.rowcount
