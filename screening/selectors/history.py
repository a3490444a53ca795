"""A child's earlier contacts, and the re-referral rule (a standing referral in the
12 months before) with the guidance a screener sees before deciding."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import BooleanField, Count, Exists, F, OuterRef, Q, QuerySet, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber

from frontdoor.london import twelve_months_before
from frontdoor.models import User
from referrals import selectors as referral_selectors
from referrals.models import Contact, ContactSubject, Person
from screening.models import Decision, referral_q
from screening.selectors.access import can_screen


@dataclass(frozen=True)
class HistoryRow:
    contact: Contact
    role: str
    decision: Decision | None


@dataclass(frozen=True)
class ChildHistory:
    person: Person
    rows: list[HistoryRow]  # the most recent HISTORY_SHOWN
    repeat_contact: bool
    re_referral: bool
    not_shown: int = 0  # earlier contacts left to the person's record


# A child seen dozens of times would otherwise make every contact about them slow to
# open; the most recent contacts are what a screener weighs, the rest are a click away.
HISTORY_SHOWN = 10
# The columns a history row is drawn from (the contact page, the complex-case meeting).
HISTORY_ROW_FIELDS = (
    "person_id",
    "contact_id",
    "role",
    "contact__reference",
    "contact__received_at",
    "contact__status",
)


def child_histories(*, user: User, contact: Contact) -> dict[int, ChildHistory]:
    """Each matched child's earlier contacts, by subject id: screening staff only."""
    if not can_screen(user):
        return {}
    return histories_of(contact=contact, subjects=contact.subjects.all())


def histories_of(
    *, contact: Contact, subjects: Iterable[ContactSubject]
) -> dict[int, ChildHistory]:
    """The history of every matched child on ``contact``, by subject id, for callers
    that made their own permission check. Two queries however many children and
    however long their histories: each child's most recent HISTORY_SHOWN rows, with
    the flags counted over every earlier contact; and those rows' decisions."""
    children = [s for s in subjects if s.is_child and s.person_id]
    if not children:
        return {}
    earlier = ContactSubject.objects.filter(
        person_id__in={child.person_id for child in children}
    ).exclude(contact=contact)
    window = Q(
        contact__received_at__gte=twelve_months_before(contact.received_at),
        contact__received_at__lt=contact.received_at,
    )
    each_child = {"partition_by": F("person_id")}
    # One pass over every earlier contact, however long the history: each child's
    # counts ride along on each of its most recent rows as window aggregates.
    most_recent = list(
        earlier.annotate(
            rank=Window(
                RowNumber(),
                order_by=[F("contact__received_at").desc(), F("pk").desc()],
                **each_child,
            ),
            total=Window(Count("pk"), **each_child),
            # A withdrawn contact makes no later one a repeat (docs/adr/0036), as the
            # scorecard counts repeat contacts.
            recent=Window(
                Count("pk", filter=window & ~Q(contact__status=Contact.Status.WITHDRAWN)),
                **each_child,
            ),
            recent_referrals=Window(
                Count("pk", filter=window & Q(_standing_referral_on())), **each_child
            ),
        )
        .filter(rank__lte=HISTORY_SHOWN)
        .select_related("contact")
        # What a history row shows and is ordered by: a row is read whole from the
        # contact's 57 columns only to build objects nobody reads.
        .only(*HISTORY_ROW_FIELDS)
        .order_by("person_id", "-contact__received_at", "-pk")
    )
    counts = {row.person_id: row for row in most_recent}
    # Always asked, so the page's query count does not depend on the family (an
    # empty list would skip the query).
    shown = [appearance.contact_id for appearance in most_recent]
    latest = {
        decision.contact_id: decision
        for decision in Decision.objects.current()
        .filter(RawSQL('"screening_decision"."contact_id" = ANY(%s)', (shown,), BooleanField()))
        .only("contact_id", "route", "approval")  # what a history row says of it
    }
    rows_by_person: dict[int, list[HistoryRow]] = {}
    for appearance in most_recent:
        rows_by_person.setdefault(appearance.person_id, []).append(
            HistoryRow(
                appearance.contact,
                appearance.get_role_display(),
                # A withdrawn contact's decision left waiting never stood.
                None
                if appearance.contact.status == Contact.Status.WITHDRAWN
                else latest.get(appearance.contact_id),
            )
        )
    histories = {}
    for child in children:
        rows = rows_by_person.get(child.person_id, [])
        count = counts.get(child.person_id)
        histories[child.pk] = ChildHistory(
            person=child.person,
            rows=rows,
            repeat_contact=bool(count and count.recent),
            re_referral=bool(count and count.recent_referrals),
            not_shown=(count.total if count else 0) - len(rows),
        )
    return histories


def _standing_referral_on(contact_id: str = "contact_id"):
    """Subquery: the contact's standing decision makes it a referral."""
    return Exists(
        Decision.objects.standing_latest().filter(
            referral_q("route", "contact"), contact=OuterRef(contact_id)
        )
    )


def _earlier_as_a_child(contact: Contact, person_ids) -> QuerySet[ContactSubject]:
    """Where these people appeared as a child on a contact received before ``contact``."""
    return ContactSubject.objects.filter(
        person_id__in=person_ids,
        role__in=ContactSubject.CHILD_ROLES,
        contact__received_at__lt=contact.received_at,
    ).exclude(contact_id=contact.pk)


def is_re_referral(*, contact: Contact) -> bool:
    """Whether a child on ``contact`` had a standing referral received in the 12 months
    before it: the re-referral rule a decision records (``Decision.is_re_referral``).
    No user: ``decision_record`` asks, having made its own checks."""
    return contact.pk in re_referrals_of([contact])


def re_referrals_of(contacts: Iterable[Contact]) -> set[int]:
    """The ids of those of ``contacts`` that are re-referrals (``is_re_referral``): two
    queries however many (bulk triage decides fifty at once)."""
    contacts = list(contacts)
    on: dict[int, set[int]] = defaultdict(set)  # person id: the contacts they are a child on
    for contact_id, person_id in ContactSubject.objects.filter(
        contact_id__in=[contact.pk for contact in contacts],
        role__in=ContactSubject.CHILD_ROLES,
        person__isnull=False,
    ).values_list("contact_id", "person_id"):
        on[person_id].add(contact_id)
    if not on:
        return set()
    received = {contact.pk: contact.received_at for contact in contacts}
    since = {pk: twelve_months_before(at) for pk, at in received.items()}
    found = set()
    for person_id, earlier_id, at in (
        ContactSubject.objects.filter(
            person_id__in=on,
            role__in=ContactSubject.CHILD_ROLES,
            contact__received_at__gte=min(since.values()),
            contact__received_at__lt=max(received.values()),
        )
        .filter(_standing_referral_on())
        .values_list("person_id", "contact_id", "contact__received_at")
    ):
        found |= {pk for pk in on[person_id] if pk != earlier_id and since[pk] <= at < received[pk]}
    return found


@dataclass(frozen=True)
class EarlierReferral:
    reference: str
    received_at: datetime
    # The user may not open it. Its reference and dates are shown, as in the child's
    # history (the rule applies whoever may read it); nothing from inside it is.
    restricted: bool


def earlier_referrals(*, user: User, contact: Contact) -> dict[int, EarlierReferral]:
    """For each matched child on ``contact``, by person id, the latest standing
    referral received in the 12 months before it (the re-referral rule). Screening
    staff only. One query however many children. The re-referral guidance on the
    contact page adds the cases closed since, which outcomes holds
    (``outcomes.selectors.re_referral_guidance``)."""
    if not can_screen(user):
        return {}
    person_ids = {s.person_id for s in contact.subjects.all() if s.is_child and s.person_id}
    if not person_ids:
        return {}
    return {
        row["person_id"]: EarlierReferral(
            row["contact__reference"], row["contact__received_at"], row["restricted"]
        )
        for row in _earlier_as_a_child(contact, person_ids)
        .annotate(restricted=referral_selectors.closed_to(user, "contact_id"))
        .filter(contact__received_at__gte=twelve_months_before(contact.received_at))
        .filter(_standing_referral_on())
        .values("person_id", "contact__reference", "contact__received_at", "restricted")
        .order_by("person_id", "-contact__received_at", "-contact_id")
        .distinct("person_id")
    }
