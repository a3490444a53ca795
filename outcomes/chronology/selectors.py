"""Reading a person's chronology: a page at a time, keyset-paged, in a fixed number
of queries however long the history (one to merge, one per kind on the page, one
for the restrictions on the page's contacts)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

from django.db.models import CharField, Q, QuerySet, Value

from frontdoor.london import start_of
from frontdoor.models import User

# Imported to register their sources.
from outcomes.chronology import (  # noqa: F401
    sources,
    sources_documents,
    sources_downstream,
    sources_log,
    sources_merges,
    sources_warnings,
)
from outcomes.chronology.entries import SOURCES, Entry, EntryKey, Source, Stream
from referrals.models import Person
from referrals.selectors import restrictions_barring_contacts

PAGE_SIZE = 50
SEPARATOR = "~"


def kind_choices() -> list[tuple[str, str]]:
    return [(found.kind, found.label) for found in SOURCES.values()]


@dataclass(frozen=True)
class Cursor:
    """Where a page starts or ends: an entry's place in the order. In a URL it is
    ``at~event~id``: a time, a kind of moment and a row number, nothing personal."""

    at: datetime
    event: str
    row_id: int

    def __str__(self) -> str:
        return SEPARATOR.join((self.at.isoformat(), self.event, str(self.row_id)))

    @classmethod
    def of(cls, entry: Entry) -> Cursor:
        return cls(entry.at, entry.event, entry.row_id)

    @classmethod
    def parse(cls, text: str | None) -> Cursor | None:
        """The cursor in a link, or None for anything else (the page then starts at
        the beginning rather than failing on a mangled link)."""
        parts = (text or "").split(SEPARATOR)
        if len(parts) != 3 or len(text) > 100 or not parts[2].isascii() or not parts[2].isdigit():
            return None
        try:
            at = datetime.fromisoformat(parts[0])
        except ValueError:
            return None
        if at.tzinfo is None or parts[1] not in _events():
            return None
        return cls(at, parts[1], int(parts[2]))


@cache
def _events() -> frozenset[str]:
    # Event names are fixed by the code; a person is needed only to build querysets.
    # Worked out once: building every stream's queryset to read their names was a
    # tenth of a page's time whenever a link carried a cursor.
    return frozenset(stream.event for _, stream in _streams(Person(pk=0), None))


@dataclass(frozen=True)
class Filters:
    kinds: tuple[str, ...] = ()  # none chosen: every kind
    date_from: date | None = None
    date_to: date | None = None
    newest_first: bool = True


@dataclass(frozen=True)
class ChronologyPage:
    entries: list[Entry]
    # Cursors for the pages before and after this one in the order shown (newest or
    # oldest first); None at either end.
    previous: Cursor | None
    following: Cursor | None


def _streams(person: Person, kinds: Iterable[str] | None) -> list[tuple[Source, Stream]]:
    chosen = set(kinds or ()) or set(SOURCES)
    return [
        (found, stream)
        for found in SOURCES.values()
        if found.kind in chosen
        for stream in found.streams(person)
    ]


def _past(stream: Stream, cursor: Cursor, below: bool) -> Q:
    """Rows of ``stream`` after ``cursor`` in the order (at, event, row_id), going
    down (``below``) or up. The event is fixed per stream, so the row comparison
    comes down to one on ``at`` (and ``row_id`` in the cursor's own stream), which
    the indexes on each table's time serve."""
    more = "lt" if below else "gt"
    if stream.event == cursor.event:
        return Q(**{f"chron_at__{more}": cursor.at}) | Q(
            chron_at=cursor.at, **{f"chron_id__{more}": cursor.row_id}
        )
    if (stream.event < cursor.event) == below:
        return Q(**{f"chron_at__{more}e": cursor.at})
    return Q(**{f"chron_at__{more}": cursor.at})


def _keys(
    streams: list[Stream], filters: Filters, cursor: Cursor | None, below: bool, limit: int
) -> list[tuple[datetime, str, int]]:
    """The next ``limit`` entries' keys across every stream, in one query: each
    stream's own first ``limit`` (so each reads only that far), merged."""
    order = (
        ("-chron_at", "-chron_event", "-chron_id")
        if below
        else ("chron_at", "chron_event", "chron_id")
    )
    parts: list[QuerySet] = []
    for stream in streams:
        rows = stream.rows
        if filters.date_from is not None:
            rows = rows.filter(chron_at__gte=start_of(filters.date_from))
        if filters.date_to is not None:
            rows = rows.filter(chron_at__lt=start_of(filters.date_to + timedelta(days=1)))
        if cursor is not None:
            rows = rows.filter(_past(stream, cursor, below))
        rows = rows.annotate(chron_event=Value(stream.event, output_field=CharField()))
        parts.append(
            rows.order_by(*order).values_list("chron_at", "chron_event", "chron_id")[:limit]
        )
    if not parts:
        return []
    if len(parts) == 1:
        return list(parts[0])
    merged = parts[0].union(*parts[1:], all=True).order_by(*order)
    return list(merged[:limit])


def _entries(chosen: list[tuple[Source, Stream]], keys: list[tuple], user: User) -> list[Entry]:
    """Word the page's keys: each loader once, for all its streams' ids."""
    wanted: list[EntryKey] = [(event, row_id) for _, event, row_id in keys]
    by_loader: dict = {}
    labels = {}
    for found, stream in chosen:
        by_loader.setdefault(stream.load, set()).add(stream.event)
        labels[stream.event] = found.label
    loaded: dict[EntryKey, Entry] = {}
    for load, events in by_loader.items():
        asked = [key for key in wanted if key[0] in events]
        if asked:
            loaded.update(load(asked, user))
    # A row gone since the keys were read (erased under retention) is left out.
    entries = [loaded[key] for key in wanted if key in loaded]
    for entry in entries:
        entry.kind_label = labels[entry.event]
    barring = restrictions_barring_contacts(
        user=user, contact_ids={entry.contact_id for entry in entries if entry.contact_id}
    )
    for entry in entries:
        restriction = barring.get(entry.contact_id)
        if restriction is not None:
            entry.restricted_ask = restriction.ask
    return entries


def chronology_page(
    *,
    user: User,
    person: Person,
    filters: Filters,
    after: Cursor | None = None,
    before: Cursor | None = None,
    size: int = PAGE_SIZE,
) -> ChronologyPage:
    """One page of ``person``'s chronology for ``user``, who has opened the person
    record through ``person_get`` (the view's access function): entries after the
    cursor ``after`` (the next page) or before ``before`` (the previous one)."""
    chosen = _streams(person, filters.kinds)
    going_back = before is not None and after is None
    below = filters.newest_first != going_back
    keys = _keys(
        [stream for _, stream in chosen], filters, before if going_back else after, below, size + 1
    )
    more = len(keys) > size
    keys = keys[:size]
    if going_back:
        keys.reverse()
    entries = _entries(chosen, keys, user)
    first = Cursor(*keys[0]) if keys else None
    last = Cursor(*keys[-1]) if keys else None
    if going_back:
        return ChronologyPage(entries, previous=first if more else None, following=last)
    return ChronologyPage(
        entries, previous=first if after is not None else None, following=last if more else None
    )


def chronology_all(
    *, user: User, person: Person, filters: Filters, most: int, batch: int = 500
) -> Iterator[Entry]:
    """Every entry (up to ``most``), for the PDF: pages of ``batch`` in turn."""
    after, given = None, 0
    while given < most:
        page = chronology_page(
            user=user, person=person, filters=filters, after=after, size=min(batch, most - given)
        )
        yield from page.entries
        given += len(page.entries)
        if page.following is None:
            return
        after = page.following
