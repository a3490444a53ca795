"""The one search of contacts and person records, for screening staff.

What a search may use: a person's name (as alike as matching finds it, by the
same measures: ``referrals.matching.people_named_like``), date of birth, NHS
number, UPN, postcode or part of an address; a contact's reference, referrer's
agency and the dates it was received between; and, for managers, words in the
concern (PostgreSQL full-text search on an index, ``contact_concerns_search``).

Given only things about a person, it finds person records; given anything about a
contact, it finds contacts (about a person like the one described, when a person is
described too). It counts up to ``COUNT_LIMIT`` and no further: past that, it says
there are more than that, which is true, rather than count a million rows or pass a
page size off as the count.

A record restricted to others is still found, and shown only as restricted, with
whom to ask: the searcher learns that something like what they typed is on record,
nothing of what it says (docs/adr/0012). Words in a concern are looked for only in
contacts open to the manager searching, since a match would say what a restricted
contact says.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, timedelta
from math import ceil
from typing import Literal

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Replace, Upper
from django.utils import timezone

from frontdoor.london import start_of
from frontdoor.models import Agency, User
from frontdoor.roles import Permission
from referrals.matching import people_named_like
from referrals.models import Contact, ContactSubject, Person
from referrals.selectors import (
    can_screen,
    closed_to,
    contacts_visible_to,
    restrictions_barring_contacts,
    restrictions_barring_people,
)

# Counted exactly up to here; beyond it, "more than 200".
COUNT_LIMIT = 200
PAGE_SIZE = 20
# The vector the GIN index on Contact holds: a query must build it the same way.
CONCERN_VECTOR = SearchVector("concerns", config="english")


def may_search_concerns(user: User) -> bool:
    """Words in the concern text: managers only (they review decisions across the
    service; a screener searches for a child, not a theme)."""
    return can_screen(user) and user.has_perm(Permission.APPROVE_DECISIONS.perm)


@dataclass(frozen=True)
class SearchCriteria:
    """What was asked for, each already checked and in its canonical form."""

    name: str = ""
    date_of_birth: date | None = None
    nhs_number: str = ""
    unique_pupil_number: str = ""
    place: str = ""  # a postcode, or part of one or of an address
    reference: str = ""
    agency: Agency | None = None
    received_from: date | None = None
    received_to: date | None = None
    concern_words: str = ""

    PERSON = ("name", "date_of_birth", "nhs_number", "unique_pupil_number", "place")

    def given(self) -> list[str]:
        """The kinds of criteria used (their names, never their values): what the
        audit keeps, since the values themselves are personal data."""
        return [f.name for f in fields(self) if getattr(self, f.name) not in ("", None)]

    @property
    def about_a_person(self) -> bool:
        return any(name in self.PERSON for name in self.given())

    @property
    def about_contacts(self) -> bool:
        return any(name not in self.PERSON for name in self.given())


@dataclass(frozen=True)
class FoundPerson:
    """A person found. One whose record is restricted to the searcher comes back
    with no details, only whom to ask."""

    person_id: int
    person: Person | None
    restricted_ask: User | None = None


@dataclass(frozen=True)
class FoundContact:
    """A contact found; restricted to the searcher, only whom to ask."""

    contact_id: int
    contact: Contact | None
    restricted_ask: User | None = None


@dataclass(frozen=True)
class SearchResults:
    """One page of what was found. ``count`` is exact up to ``COUNT_LIMIT``;
    ``more`` says there were more than that (``count`` is then the limit)."""

    kind: Literal["people", "contacts"]
    rows: list[FoundPerson] | list[FoundContact]
    count: int
    more: bool
    page: int
    pages: int

    @property
    def first_shown(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1 if self.rows else 0

    @property
    def last_shown(self) -> int:
        return (self.page - 1) * PAGE_SIZE + len(self.rows)

    @property
    def record_ids(self) -> list[int | str]:
        """Identifiers of the rows shown: person ids or contact references (a
        restricted contact's id, as its reference would not be shown)."""
        if self.kind == "people":
            return [row.person_id for row in self.rows]
        return [row.contact.reference if row.contact else row.contact_id for row in self.rows]


def _people(criteria: SearchCriteria) -> QuerySet[Person]:
    people = Person.objects.current()
    if criteria.name:
        # With a date of birth, the date leads (a few hundred people are born on any
        # day in 2.4 million) and the names are checked on that day's people only.
        people = people_named_like(criteria.name, among_few=criteria.date_of_birth is not None)
    if criteria.date_of_birth:
        people = people.filter(
            Q(date_of_birth=criteria.date_of_birth)
            | Q(expected_date_of_birth=criteria.date_of_birth)
        )
    if criteria.nhs_number:
        people = people.filter(nhs_number=criteria.nhs_number)
    if criteria.unique_pupil_number:
        people = people.filter(unique_pupil_number=criteria.unique_pupil_number)
    if criteria.place:
        # Each half has its own index on Person (person_place_order_idx,
        # person_address_trgm), so PostgreSQL can OR the two bitmaps.
        by_postcode, in_address = _place_conditions(criteria.place)
        people = _with_compact_postcode(people).filter(by_postcode | in_address)
    return people


def _place_conditions(place: str) -> tuple[Q, Q]:
    """A postcode starting as typed (spaces aside), and the address containing it."""
    compact = place.replace(" ", "").upper()
    return Q(postcode_compact__startswith=compact), Q(address__icontains=place)


def _with_compact_postcode(people: QuerySet[Person]) -> QuerySet[Person]:
    # The expression person_place_order_idx holds.
    return people.annotate(postcode_compact=Replace(Upper("postcode"), Value(" "), Value("")))


def _in_place_order(place: str, start: int) -> list[Person]:
    """One page of the current people a place alone finds, in name order.

    A postcode district holds up to 20,000 people. Put in order with their
    addresses' matches in one query, each of them is read from the table to sort the
    20 shown (9,000 table blocks, a quarter of a second when not cached); the
    postcode's matches alone are sorted from person_place_order_idx, which holds their
    names. So the two halves are asked apart (an address matching the postcode too
    only once) and sorted together: the same people in the same order."""
    current = _with_compact_postcode(Person.objects.current()).order_by()
    by_postcode, in_address = _place_conditions(place)
    columns = ("last_name", "first_name", "id")
    ids = [
        pk
        for *_, pk in current.filter(by_postcode)
        .values_list(*columns)
        .union(current.filter(in_address).exclude(by_postcode).values_list(*columns), all=True)
        .order_by(*columns)[start : start + PAGE_SIZE]
    ]
    people = Person.objects.in_bulk(ids)
    return [people[pk] for pk in ids]


def _contacts(*, user: User, criteria: SearchCriteria) -> QuerySet[Contact]:
    contacts = contacts_visible_to(user=user)
    if criteria.reference:
        contacts = contacts.filter(reference=criteria.reference)
    if criteria.agency:
        contacts = contacts.filter(source_agency=criteria.agency)
    if criteria.received_from:
        contacts = contacts.filter(received_at__gte=start_of(criteria.received_from))
    if criteria.received_to:
        contacts = contacts.filter(
            received_at__lt=start_of(criteria.received_to + timedelta(days=1))
        )
    if criteria.about_a_person:
        contacts = contacts.filter(
            Exists(
                ContactSubject.objects.filter(
                    contact=OuterRef("pk"), person__in=_people(criteria).values("pk")
                )
            )
        )
    if criteria.concern_words:
        query = _concern_query(criteria)
        contacts = (
            contacts.annotate(concern_vector=CONCERN_VECTOR)
            .filter(concern_vector=query)
            .filter(~closed_to(user))
        )
    return contacts


def _concern_query(criteria: SearchCriteria) -> SearchQuery:
    # websearch: what people type into search boxes ("left alone", knife OR blade,
    # -school), never a syntax error whatever is typed.
    return SearchQuery(criteria.concern_words, search_type="websearch", config="english")


def _page_bounds(count: int, page: int) -> tuple[int, int]:
    pages = max(1, ceil(count / PAGE_SIZE))
    return min(max(page, 1), pages), pages


def _count(queryset: QuerySet) -> tuple[int, bool]:
    """Up to ``COUNT_LIMIT``, and whether there were more: one query that stops
    reading at the row after the limit."""
    found = queryset.order_by().values("pk")[: COUNT_LIMIT + 1].count()
    return min(found, COUNT_LIMIT), found > COUNT_LIMIT


def records_search(*, user: User, criteria: SearchCriteria, page: int = 1) -> SearchResults:
    """One page of the records ``criteria`` find, best first, for screening staff."""
    if not can_screen(user):
        raise PermissionDenied
    if criteria.concern_words and not may_search_concerns(user):
        raise PermissionDenied
    if not criteria.given():
        return SearchResults("people", [], count=0, more=False, page=1, pages=1)
    if criteria.about_contacts:
        return _contacts_page(user=user, criteria=criteria, page=page)
    return _people_page(user=user, criteria=criteria, page=page)


def _people_page(*, user: User, criteria: SearchCriteria, page: int) -> SearchResults:
    people = _people(criteria)
    count, more = _count(people)
    page, pages = _page_bounds(count, page)
    order = ("last_name", "first_name", "pk")
    if criteria.name:
        order = ("-likeness", *order)
    start = (page - 1) * PAGE_SIZE
    if criteria.given() == ["place"]:
        found = _in_place_order(criteria.place, start)
    else:
        found = list(people.order_by(*order)[start : start + PAGE_SIZE])
    barring = restrictions_barring_people(user=user, person_ids=[p.pk for p in found])
    rows = [
        FoundPerson(p.pk, None, barring[p.pk].ask) if p.pk in barring else FoundPerson(p.pk, p)
        for p in found
    ]
    return SearchResults("people", rows, count=count, more=more, page=page, pages=pages)


# Days back the first look for the most recent matches reaches; each further look
# reaches WINDOW_GROWTH times as far.
FIRST_WINDOW_DAYS = 7
WINDOW_GROWTH = 4


def _newest_matches(contacts: QuerySet[Contact]) -> tuple[list[int], int, bool]:
    """The ids of the ``COUNT_LIMIT + 1`` most recently received of ``contacts`` (all
    of them when there are no more), newest first; with the count and whether there
    were more, as ``_count`` gives them.

    Never "ORDER BY received_at LIMIT n" over the words' matches: PostgreSQL would walk
    the received_at index back from today parsing each contact's concern until n
    match (5,000 parses, a quarter of a second, for "bruising" at a million contacts;
    all million for a word nobody wrote). The words' index finds the matches received
    in a window back from now instead, ANDed with the received_at index, widening the
    window until it holds more than the limit: every contact outside a window was
    received before all inside it, so the newest in the window are the newest of all.
    A common word fills the first week (one query, and no count needed: there are
    more); a rare one is counted, and when no more than the limit match, all of
    them are read at once."""
    now, days = timezone.now(), FIRST_WINDOW_DAYS
    oldest = None
    while True:
        since = now - timedelta(days=days)
        found = _newest_first(contacts.filter(received_at__gte=since))
        if len(found) > COUNT_LIMIT:
            return found[: COUNT_LIMIT + 1], COUNT_LIMIT, True
        if oldest is None:
            count, more = _count(contacts)
            if not more:
                return _newest_first(contacts), count, False
            oldest = Contact.objects.order_by("received_at").values_list("received_at", flat=True)[
                0
            ]
        if since <= oldest:  # the window held every contact (only if they changed meanwhile)
            return found, len(found), False
        days *= WINDOW_GROWTH


def _newest_first(contacts: QuerySet[Contact]) -> list[int]:
    # Sorted here, not by PostgreSQL: an ORDER BY would tempt it back to the walk.
    found = sorted(contacts.order_by().values_list("received_at", "pk"), reverse=True)
    return [pk for _, pk in found]


def _contacts_page(*, user: User, criteria: SearchCriteria, page: int) -> SearchResults:
    contacts = _contacts(user=user, criteria=criteria)
    order = ("-received_at", "-pk")
    if criteria.concern_words:
        # Ranked among the most recent COUNT_LIMIT + 1 that match, not all of them: a
        # common word matches a tenth of a million contacts, and ranking each means
        # reading and parsing each. Past the limit the page asks to narrow the search.
        recent, count, more = _newest_matches(contacts)
        page, pages = _page_bounds(count, page)
        contacts = (
            contacts_visible_to(user=user)
            .filter(pk__in=recent)
            .annotate(rank=SearchRank(CONCERN_VECTOR, _concern_query(criteria)))
        )
        order = ("-rank", *order)
    else:
        count, more = _count(contacts)
        page, pages = _page_bounds(count, page)
    start = (page - 1) * PAGE_SIZE
    children = ContactSubject.objects.filter(role__in=ContactSubject.CHILD_ROLES).order_by(
        "position"
    )
    found = list(
        contacts.prefetch_related(Prefetch("subjects", queryset=children, to_attr="children_on"))
        .order_by(*order)
        .defer("concerns", "advice_given", "family_not_told_reason")[start : start + PAGE_SIZE]
    )
    barring = restrictions_barring_contacts(
        user=user, contact_ids=[c.pk for c in found if c.is_restricted]
    )
    rows = [
        FoundContact(c.pk, None, barring[c.pk].ask) if c.pk in barring else FoundContact(c.pk, c)
        for c in found
    ]
    return SearchResults("contacts", rows, count=count, more=more, page=page, pages=pages)
