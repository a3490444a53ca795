"""What changed on a page of the queue since the screener's browser last drew it
(docs/adr/0041).

The page carries, in one hidden field, what it shows: how many contacts match, the
immediate-risk banner's references, each row's reference, status and screener, and the
minute its clocks show (they are drawn again only when that has passed). Each
poll sends it back; the server compares it with the queue as it is now and answers with
only the changes: rows to insert (each before the row it now precedes), rows to remove,
the cells to update in the rows that stay. The rows the screener is reading are never
drawn again, so neither they nor focus in them move.

The field comes from the browser, so it is read as untrusted: anything that does not
parse is treated as "nothing known", and the page is drawn afresh.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from referrals.models import Contact

VERSION = "q1"
LONGEST = 4000  # 25 rows and 20 banner references fit in well under this
_REFERENCE = re.compile(r"[A-Za-z0-9-]{1,30}")
_ROW = re.compile(r"([A-Za-z0-9-]{1,30})\.([a-z_]{1,30})\.(\d{0,12})")


@dataclass(frozen=True)
class Row:
    reference: str
    status: str
    screener_id: int | None


@dataclass(frozen=True)
class Shown:
    count: int
    immediate: tuple[str, ...]
    rows: tuple[Row, ...]
    minute: str  # when its clocks were drawn, to the minute they show ("202611301032")

    @property
    def references(self) -> list[str]:
        return [row.reference for row in self.rows]


def row_of(contact: Contact) -> Row:
    screening = getattr(contact, "screening", None)
    return Row(contact.reference, contact.status, screening.assigned_to_id if screening else None)


def minute_of(moment: datetime) -> str:
    return f"{moment:%Y%m%d%H%M}"


def state_of(
    *, count: int, immediate: Sequence[Contact], contacts: Sequence[Contact], minute: str
) -> str:
    """What the page shows, for its hidden field."""
    rows = ",".join(
        f"{row.reference}.{row.status}.{row.screener_id or ''}" for row in map(row_of, contacts)
    )
    references = ",".join(c.reference for c in immediate)
    return ";".join([VERSION, str(count), references, rows, minute])


def parse(value: str) -> Shown | None:
    """The hidden field as the browser sent it back, or None when it cannot be read."""
    if not isinstance(value, str) or len(value) > LONGEST:
        return None
    parts = value.split(";")
    if len(parts) != 5 or parts[0] != VERSION or not parts[1].isdigit():
        return None
    if not (len(parts[4]) == 12 and parts[4].isdigit()):
        return None
    immediate = tuple(filter(None, parts[2].split(",")))
    if not all(_REFERENCE.fullmatch(reference) for reference in immediate):
        return None
    rows = []
    for text in filter(None, parts[3].split(",")):
        match = _ROW.fullmatch(text)
        if match is None:
            return None
        reference, status, screener = match.groups()
        rows.append(Row(reference, status, int(screener) if screener else None))
    if len({row.reference for row in rows}) != len(rows):
        return None
    return Shown(int(parts[1]), immediate, tuple(rows), parts[4])


@dataclass
class Changes:
    """The page's rows against what the browser shows. ``redraw``: the table must be
    drawn whole (nothing known of the browser's, or the rows it keeps changed order)."""

    redraw: bool = False
    # (contact, reference of the kept row it goes before, or "" for the end)
    inserted: list[tuple[Contact, str]] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    kept: list[Contact] = field(default_factory=list)
    # Kept rows whose status or screener changed, and those newly taken.
    changed: list[Contact] = field(default_factory=list)
    taken: list[str] = field(default_factory=list)

    @property
    def new(self) -> list[Contact]:
        return [contact for contact, _ in self.inserted]


def compare(shown: Shown | None, contacts: Sequence[Contact]) -> Changes:
    if shown is None:
        return Changes(redraw=True, inserted=[(contact, "") for contact in contacts])
    before = {row.reference: row for row in shown.rows}
    now = {contact.reference for contact in contacts}
    kept = [contact for contact in contacts if contact.reference in before]
    kept_references = {contact.reference for contact in kept}
    in_order = [c.reference for c in kept] == [r for r in shown.references if r in now]
    changes = Changes(
        # From no rows to some (or back), the table itself comes or goes.
        redraw=not shown.rows or not contacts or not in_order,
        gone=[reference for reference in shown.references if reference not in now],
        kept=kept,
    )
    for position, contact in enumerate(contacts):
        if contact.reference not in before:
            anchor = next(
                (c.reference for c in contacts[position:] if c.reference in kept_references), ""
            )
            changes.inserted.append((contact, anchor))
            continue
        was, is_now = before[contact.reference], row_of(contact)
        if (was.status, was.screener_id) != (is_now.status, is_now.screener_id):
            changes.changed.append(contact)
            if was.screener_id is None and is_now.screener_id is not None:
                changes.taken.append(contact.reference)
    return changes


def _count(number: int, one: str, many: str | None = None) -> str:
    return f"{number} {one if number == 1 else (many or one + 's')}"


def summary(
    *,
    changes: Changes,
    shown: Shown | None,
    count: int,
    gone_taken: int,
    new_immediate: int,
) -> str:
    """A short sentence for screen readers (a polite live region) saying what changed:
    "2 new contacts, 1 taken". Empty when nothing a screener acts on changed; nothing is
    said when the browser's view was unknown (the page was drawn afresh)."""
    if shown is None:
        return ""
    parts = []
    if new_immediate:
        parts.append(_count(new_immediate, "new immediate-risk contact"))
    if changes.new:
        parts.append(_count(len(changes.new), "new contact"))
    taken = len(changes.taken) + gone_taken
    if taken:
        parts.append(f"{taken} taken")
    others = len(changes.gone) - gone_taken
    if others > 0:
        parts.append(f"{_count(others, 'contact')} no longer on this page")
    if count != shown.count:
        parts.append(f"{_count(count, 'open contact')} in all (was {shown.count})")
    return ", ".join(parts)
