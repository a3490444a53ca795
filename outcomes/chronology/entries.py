"""The parts a chronology is made of, and the registry a new kind of entry joins.

A *source* is one function per kind of entry (contacts, decisions, checks, …),
registered with ``@source``. Given the person, it returns its *streams*: one per
kind of moment (a check is asked, a check is answered), each a queryset of that
person's rows annotated ``chron_at`` (when, as a timestamp) and ``chron_id``, and a *loader*
that turns a page's ids into worded entries in one query. The selector merges every
stream's ``(chron_at, event, chron_id)`` in one ``UNION ALL`` query, keyset-paged, then calls
each loader once for the ids on the page: the number of queries depends on the kinds
on a page, never on how many rows a person has.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from django.db.models import QuerySet
from django.utils import timezone

from frontdoor.models import User
from referrals.models import Person

# (event, row id): one entry, the same key the page's cursor carries.
EntryKey = tuple[str, int]


@dataclass
class Entry:
    """One line of the chronology, already in words: no codes reach a template."""

    event: str
    row_id: int
    at: datetime
    title: str
    # Set for moments recorded as a day only (a downstream outcome's date).
    on: date | None = None
    by: str = ""
    details: list[tuple[str, str]] = field(default_factory=list)
    # Long text (a rationale, a check's answer) shown in full, in paragraphs.
    text: list[tuple[str, str]] = field(default_factory=list)
    contact_id: int | None = None
    reference: str = ""
    # (words, url): only links the viewer may open.
    links: list[tuple[str, str]] = field(default_factory=list)
    kind_label: str = ""
    # Set by the selector when the contact behind the entry is restricted to the
    # viewer: the page then shows only the moment, the kind and whom to ask.
    restricted_ask: User | None = None

    @property
    def key(self) -> EntryKey:
        return (self.event, self.row_id)

    # When, worded once here rather than by the date filter in the template: a page of
    # fifty entries formatted each moment three or four times (bench/results).
    @cached_property
    def when(self) -> str:
        """ "3 March 2025, 14:05" in London time, or the day alone ("3 March 2025") for
        a moment recorded as a day."""
        if self.on is not None:
            return f"{self.on.day} {self.on:%B %Y}"
        at = timezone.localtime(self.at)
        return f"{at.day} {at:%B %Y, %H:%M}"

    @cached_property
    def when_iso(self) -> str:
        """The same moment for a ``<time datetime>``."""
        if self.on is not None:
            return self.on.isoformat()
        return timezone.localtime(self.at).isoformat()


Loader = Callable[[Sequence[EntryKey], User], dict[EntryKey, Entry]]


@dataclass(frozen=True)
class Stream:
    """One kind of moment: ``rows`` annotated ``chron_at`` and ``chron_id`` (the person's
    rows only), and the ``load`` that words a page of them. Streams of one source may
    share a loader, which is then called once for all their ids."""

    event: str
    rows: QuerySet
    load: Loader


@dataclass(frozen=True)
class Source:
    kind: str
    label: str
    streams: Callable[[Person], list[Stream]]


SOURCES: dict[str, Source] = {}


def source(*, kind: str, label: str):
    """Register a source of entries: ``@source(kind="warnings", label="Warnings")`` on
    a function of the person returning its streams. Event names must be unique across
    sources and may not contain "~" (the cursor's separator)."""

    def register(function: Callable[[Person], list[Stream]]):
        if kind in SOURCES:
            raise ValueError(f"Two chronology sources of kind {kind}")
        SOURCES[kind] = Source(kind=kind, label=label, streams=function)
        return function

    return register
