"""The pull feed's reads: events in position order after an opaque cursor.

The cursor is the position of the last event a reader was given, wrapped so that
nobody builds on what is inside it (it may change; a reader keeps and returns it).
Positions only ever grow at the end of the feed (``sequencer``), so reading from a
cursor returns each event once, in order, across any number of concurrent commits."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from outcomes.handoff.sequencer import events_sequence
from outcomes.models import CaseEvent

CURSOR_PREFIX = "fd1."
PAGE_DEFAULT, PAGE_MOST = 100, 500


class BadCursor(ValueError):
    pass


def cursor_for(position: int) -> str:
    return CURSOR_PREFIX + base64.urlsafe_b64encode(str(position).encode()).decode().rstrip("=")


def position_of(cursor: str) -> int:
    """The position a cursor stands for; ``BadCursor`` for anything this feed did not give."""
    if not cursor:
        return 0
    if not cursor.startswith(CURSOR_PREFIX) or len(cursor) > 40:
        raise BadCursor(
            "This is not a cursor this feed gave: start without one, or use next_cursor."
        )
    encoded = cursor[len(CURSOR_PREFIX) :]
    try:
        text = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise BadCursor(
            "This is not a cursor this feed gave: start without one, or use next_cursor."
        ) from error
    if not re.fullmatch(r"[0-9]{1,18}", text):
        raise BadCursor(
            "This is not a cursor this feed gave: start without one, or use next_cursor."
        )
    return int(text)


@dataclass(frozen=True)
class FeedPage:
    events: list[CaseEvent]
    next_cursor: str
    has_more: bool


def events_after(*, cursor: str, limit: int = PAGE_DEFAULT) -> FeedPage:
    """Up to ``limit`` events after ``cursor``, oldest first. ``next_cursor`` is the
    cursor to send next time: the same one again when there was nothing new."""
    after = position_of(cursor)
    limit = max(1, min(limit, PAGE_MOST))
    # Events committed since the last sequencing (their committer normally sequences
    # them at once; a crash in between leaves it to the first reader or the sweep).
    events_sequence()
    rows = list(
        CaseEvent.objects.filter(position__gt=after)
        .select_related("contact")
        .only("event_id", "kind", "occurred_at", "data", "position", "contact__reference")
        .order_by("position")[: limit + 1]
    )
    events = rows[:limit]
    last = events[-1].position if events else after
    return FeedPage(events=events, next_cursor=cursor_for(last), has_more=len(rows) > limit)
