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

from django.db.models import TextField
from django.db.models.functions import Cast

from outcomes.handoff import wire
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
    items: list[str]  # each event as JSON (``wire.feed_item``)
    contact_references: list[str]  # the contacts the page shows, for the audit
    next_cursor: str
    has_more: bool

    def as_json(self) -> str:
        return wire.feed_page(self.items, next_cursor=self.next_cursor, has_more=self.has_more)


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
        .order_by("position")
        .annotate(data_text=Cast("data", TextField()))
        .values_list(
            "event_id", "kind", "occurred_at", "contact__reference", "data_text", "position"
        )[: limit + 1]
    )
    page = rows[:limit]
    return FeedPage(
        items=[
            wire.feed_item(
                event_id=event_id,
                kind=kind,
                occurred_at=occurred_at,
                contact_reference=reference,
                data_text=data_text,
            )
            for event_id, kind, occurred_at, reference, data_text, _ in page
        ],
        contact_references=sorted({row[3] for row in page}),
        next_cursor=cursor_for(page[-1][5] if page else after),
        has_more=len(rows) > limit,
    )
