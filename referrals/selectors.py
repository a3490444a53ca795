"""Reads for contacts, subjects and person records, always scoped to the acting user.

``contacts_visible_to`` is the one place that decides who may see which contact;
every view and API endpoint reads through it (or ``contact_get``), so a record a
user may not see is indistinguishable from one that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from frontdoor.errors import RecordMerged, RecordRestricted
from frontdoor.london import start_of, twelve_months_before
from frontdoor.models import AuditEvent, User
from frontdoor.roles import Permission, is_out_of_hours_recorder
from referrals.models import (
    Contact,
    ContactSubject,
    MatchCandidate,
    Person,
    ReferralDraft,
    Restriction,
)


def can_screen(user: User) -> bool:
    return user.is_authenticated and user.has_perm(Permission.SCREEN_CONTACTS.perm)


def can_refer(user: User) -> bool:
    return user.is_authenticated and user.has_perm(Permission.SUBMIT_REFERRALS.perm)


def _active_restrictions() -> QuerySet[Restriction]:
    return Restriction.objects.active().select_related("ask")


def _restriction_barring_contact(*, user: User, contact_id: int) -> Restriction | None:
    """The first active restriction on the contact (or a person on it) that does not
    name ``user``: every one must name them, not just the first found."""
    return (
        Restriction.objects.closed_to(user)
        .on_contact(contact_id)
        .select_related("ask", "contact")
        .order_by("pk")
        .first()
    )


def _restriction_barring_person(*, user: User, person: Person) -> Restriction | None:
    return (
        Restriction.objects.closed_to(user)
        .filter(person=person)
        .select_related("ask")
        .order_by("pk")
        .first()
    )


def restrictions_barring_people(*, user: User, person_ids) -> dict[int, Restriction]:
    """For lists of people (search results, likely matches): person id to the
    restriction that closes that person's record to ``user``, in one query."""
    barring: dict[int, Restriction] = {}
    for restriction in (
        Restriction.objects.closed_to(user)
        .filter(person_id__in=list(person_ids))
        .select_related("ask")
        .order_by("pk")
    ):
        barring.setdefault(restriction.person_id, restriction)
    return barring


def restrictions_barring_contacts(*, user: User, contact_ids) -> dict[int, Restriction]:
    """For lists of contacts (checks, approvals): contact id to the restriction that
    closes it to ``user``, in one query."""
    ids = list(contact_ids)
    barring: dict[int, Restriction] = {}
    rows = (
        Restriction.objects.closed_to(user)
        .filter(Q(contact_id__in=ids) | Q(person__appearances__contact_id__in=ids))
        .annotate(via_contact=F("person__appearances__contact_id"))
        .select_related("ask")
        .order_by("pk")
    )
    for restriction in rows:
        for contact_id in (restriction.contact_id, restriction.via_contact):
            if contact_id in ids:
                barring.setdefault(contact_id, restriction)
    return barring


def contact_ensure_open(*, user: User, contact: Contact) -> None:
    """The one "open for this user" test for a contact, whatever record reaches it (a
    screening, decision, check, meeting case, subject or notice): the restricted-record
    refusal unless every active restriction on the contact, or on a person it is about,
    names ``user``. Each record kind's access function scopes first (404 alike for
    missing and not theirs), then asks this. Only ``contact_get`` lets the referrer
    read what they sent: someone who is also a partner member or a screener gets no
    wider way into a check, meeting case or approval through having referred."""
    if getattr(contact, "is_restricted", True) is False:
        return
    restriction = _restriction_barring_contact(user=user, contact_id=contact.pk)
    if restriction is not None:
        raise RecordRestricted(restriction)


# More than any chain of merges can be (each merge refuses a record already merged);
# a guard against a loop written by hand in the database, not a limit anyone meets.
MERGE_CHAIN_LIMIT = 100


def person_standing(person: Person) -> Person:
    """The record that stands for ``person``: itself, or for a merged record's
    tombstone the end of its chain of merges (a record merged into one since merged
    in turn)."""
    seen = 0
    while person.merged_into_id is not None and seen < MERGE_CHAIN_LIMIT:
        person = Person.objects.get(pk=person.merged_into_id)
        seen += 1
    return person


def person_ensure_open(*, user: User, person: Person) -> None:
    """``contact_ensure_open`` for a person record: refused unless every active
    restriction on the person names ``user``. For a tombstone, the record that stands
    for it is asked too: a merge moves the restrictions there, and the tombstone still
    holds the person's name and where they went."""
    standing = person_standing(person)
    for record in [person] if standing.pk == person.pk else [person, standing]:
        restriction = _restriction_barring_person(user=user, person=record)
        if restriction is not None:
            raise RecordRestricted(restriction)


def closed_to(user: User, contact_ref: str = "pk") -> Exists:
    """Subquery for any query with a contact id at ``contact_ref``: the contact is
    restricted and the restriction does not name ``user``."""
    return Exists(Restriction.objects.closed_to(user).on_contact(OuterRef(contact_ref)))


def _restricted_contact_ids():
    """Subquery: contacts restricted themselves or through a person on them."""
    return Exists(Restriction.objects.active().on_contact(OuterRef("pk")))


def contacts_visible_to(*, user: User) -> QuerySet[Contact]:
    """Screening staff see every contact; a referrer only the contacts they made, the
    emergency duty team only those it recorded out of hours.
    Each carries ``is_restricted``, so lists can leave out the names on it."""
    contacts = Contact.objects.select_related("referral_source", "source_agency").annotate(
        is_restricted=_restricted_contact_ids()
    )
    if can_screen(user):
        return contacts
    # A referrer sees what they sent; the emergency duty team what it recorded out of
    # hours (docs/adr/0044).
    own = Q(pk__in=[])
    if can_refer(user):
        own |= Q(referrer=user)
    if is_out_of_hours_recorder(user):
        own |= Q(recorded_by=user, out_of_hours=True)
    return contacts.filter(own)


def contacts_received(
    *, user: User, first: date | None = None, last: date | None = None
) -> QuerySet[Contact]:
    """``contacts_visible_to``, received from the London day ``first`` to the end of the
    day ``last`` (either open-ended)."""
    contacts = contacts_visible_to(user=user)
    if first is not None:
        contacts = contacts.filter(received_at__gte=start_of(first))
    if last is not None:
        contacts = contacts.filter(received_at__lt=start_of(last + timedelta(days=1)))
    return contacts


def contact_get(*, user: User, reference: str, candidates: bool = True) -> Contact:
    """The contact, with its people, or 404 whether it is missing or not theirs. With
    each person's likely matches unless ``candidates`` is false: pages that do not offer
    matching (screening) are spared a query and its records."""
    subjects = ContactSubject.objects.select_related("person")
    if candidates:
        subjects = subjects.prefetch_related(
            Prefetch(
                "match_candidates",
                # A candidate left on a merged record's tombstone is not offered.
                queryset=MatchCandidate.objects.filter(
                    person__merged_into__isnull=True
                ).select_related("person"),
            )
        )
    try:
        contact = (
            contacts_visible_to(user=user)
            .select_related("referrer__agency", "source_agency", "recorded_by", "api_client")
            .prefetch_related(Prefetch("subjects", queryset=subjects))
            .get(reference=reference)
        )
    except Contact.DoesNotExist:
        raise Http404("No contact found") from None
    if not made_by(user, contact):
        contact_ensure_open(user=user, contact=contact)
    return contact


def made_by(user: User, contact: Contact) -> bool:
    """Whether ``user`` made this contact: the referrer who sent it, or the emergency
    duty team member who recorded it out of hours (docs/adr/0044). Whoever made a
    contact may always read it, restricted or not (a restriction closes a child's
    record, not what someone wrote themselves): the one rule ``contact_get`` and the
    EDT's handover both ask."""
    if user.pk is None:
        return False
    if contact.referrer_id == user.pk:
        return True
    return (
        contact.out_of_hours
        and contact.recorded_by_id == user.pk
        and is_out_of_hours_recorder(user)
    )


def contact_get_for_case_system(*, user: User, reference: str) -> Contact:
    """The contact a case-management system writes back to (its own id for it), by
    reference. Such a system records what happened after referrals to any contact, as
    outcome events do, without reading it: 404 when missing, 403 without the role."""
    if not user.has_perm(Permission.RECORD_OUTCOMES.perm):
        raise PermissionDenied
    try:
        return Contact.objects.get(reference=reference.strip())
    except Contact.DoesNotExist:
        raise Http404("No contact found") from None


def subject_get(
    *, user: User, reference: str, subject_id: int, children_only: bool = False
) -> ContactSubject:
    """A person as given on a contact, for screening staff (to match, or to record a
    child's census details): ``contact_get``'s rule, and 404 for anyone else or for a
    subject not on that contact (with ``children_only``, not a child on it)."""
    if not can_screen(user):
        raise Http404("No person found on this contact")
    contact = contact_get(user=user, reference=reference)
    subject = next((s for s in contact.subjects.all() if s.pk == subject_id), None)
    if subject is None or (children_only and not subject.is_child):
        raise Http404("No person found on this contact")
    return subject


@dataclass(frozen=True)
class HistoryEntry:
    contact: Contact
    role: str


@dataclass(frozen=True)
class PersonHistory:
    person: Person
    entries: list[HistoryEntry]
    repeat_contact: bool


def person_history(*, user: User, person: Person, before: Contact | None = None) -> PersonHistory:
    """Every contact this person appears on (newest first), for screening staff only.

    ``repeat_contact`` flags another contact within 12 months of ``before``.
    """
    if not can_screen(user):
        return PersonHistory(person=person, entries=[], repeat_contact=False)
    appearances = (
        ContactSubject.objects.filter(person=person)
        .select_related("contact", "contact__referral_source")
        .order_by("-contact__received_at")
    )
    if before is not None:
        appearances = appearances.exclude(contact=before)
    entries = [HistoryEntry(a.contact, a.get_role_display()) for a in appearances]
    window_start = twelve_months_before(before.received_at if before else timezone.now())
    # A withdrawn contact makes no later one a repeat (docs/adr/0036).
    repeat = any(
        entry.contact.received_at >= window_start
        and entry.contact.status != Contact.Status.WITHDRAWN
        for entry in entries
    )
    return PersonHistory(person=person, entries=entries, repeat_contact=repeat)


def person_get(*, user: User, person_id: int) -> Person:
    """The access function for a person record (docs/adr/0019): screening staff, 404
    otherwise; a restricted record only for those it names; a merged record's tombstone
    sends the request on to the record it was merged into (``RecordMerged``)."""
    person = person_get_even_merged(user=user, person_id=person_id)
    if person.merged_into_id is not None:
        # Refused here, not at the kept record: the refusal must not say where it went.
        person_ensure_open(user=user, person=person)
        raise RecordMerged(
            merged_id=person.pk,
            kept_id=person.merged_into_id,
            merged_at=person.merged_at,
            record_url=reverse("referrals:person-detail", args=[person.merged_into_id]),
        )
    person_ensure_open(user=user, person=person)
    return person


def person_get_even_merged(*, user: User, person_id: int) -> Person:
    """``person_get`` without the redirect of a tombstone, for the merge pages (which
    refuse to merge one again, in words). The restriction rule is the caller's to ask
    (``person_ensure_open``) once it knows which record it has."""
    if not can_screen(user):
        raise Http404("No person found")
    try:
        return Person.objects.get(pk=person_id)
    except Person.DoesNotExist:
        raise Http404("No person found") from None


def person_is_a_child(person: Person) -> bool:
    """Whether ``person`` has been on a contact as a child (born or unborn): what a
    Unique Pupil Number, ethnicity for the census and the like belong to."""
    return ContactSubject.objects.filter(
        person_id=person.pk, role__in=ContactSubject.CHILD_ROLES
    ).exists()


def people_open_to(*, user: User, person_ids: Iterable[int]) -> set[int]:
    """Of these people, those whose record ``user`` may open: ``person_get``'s rule,
    for a list of them in one query."""
    if not can_screen(user):
        return set()
    ids = set(person_ids)
    return ids - set(restrictions_barring_people(user=user, person_ids=ids))


def subject_contacts_open_to(*, user: User, subject_ids: Iterable[int]) -> dict[int, str]:
    """Of these people as given on contacts, those whose contact ``user`` may open
    (``contact_get``'s rule, in two queries): subject id to the contact's reference."""
    found = {
        subject_id: (contact_id, reference)
        for subject_id, contact_id, reference in ContactSubject.objects.filter(
            pk__in=list(subject_ids),
            contact__in=contacts_visible_to(user=user).values("pk"),
        ).values_list("pk", "contact_id", "contact__reference")
    }
    barring = restrictions_barring_contacts(
        user=user, contact_ids={contact_id for contact_id, _ in found.values()}
    )
    return {
        subject_id: reference
        for subject_id, (contact_id, reference) in found.items()
        if contact_id not in barring
    }


def draft_get(*, owner: User, kind: str) -> dict:
    draft = ReferralDraft.objects.filter(owner=owner, kind=kind).first()
    return draft.data if draft else {}


def person_merged_in_ids(person: Person) -> set[int]:
    """This record and every record merged into it while the merge stands (and into
    those, down each chain of merges): one query per link of the longest chain."""
    found, new = {person.pk}, {person.pk}
    while new:
        new = set(Person.objects.filter(merged_into_id__in=new).values_list("pk", flat=True))
        new -= found
        found |= new
    return found


def person_access_log(*, user: User, person: Person) -> QuerySet[AuditEvent]:
    """Who has looked at or changed this person's record (or one merged into it) or any
    contact about them, newest first: managers only (it names staff and where they worked from)."""
    if not user.has_perm(Permission.APPROVE_DECISIONS.perm):
        raise Http404("No person found")
    references = Contact.objects.filter(subjects__person=person).values_list("reference", flat=True)
    # What was done to a record merged into this one (while the merge stands) is this
    # person's history too.
    ids = [str(pk) for pk in person_merged_in_ids(person)]
    return (
        AuditEvent.objects.filter(
            Q(record_type="person", record_id__in=ids)
            | Q(record_type="contact", record_id__in=list(references))
        )
        .select_related("actor__agency")
        .order_by("-occurred_at", "-pk")
    )


def _may_review_restrictions(user: User) -> bool:
    return user.has_perm(Permission.APPROVE_DECISIONS.perm)


def restrictions_for_review(*, user: User) -> QuerySet[Restriction]:
    """Active restrictions, soonest review first: for a manager, those naming them;
    for a head of service, every one (each marked ``closed`` when it does not name
    them, so the page leaves out why it was made)."""
    if not _may_review_restrictions(user):
        raise PermissionDenied
    restrictions = (
        _active_restrictions()
        .select_related("contact", "person", "created_by")
        .prefetch_related("allowed")
        .annotate(closed=Exists(Restriction.objects.closed_to(user).filter(pk=OuterRef("pk"))))
        .order_by("review_due", "pk")
    )
    if user.has_perm(Permission.LIFT_ANY_RESTRICTION.perm):
        return restrictions
    return restrictions.filter(closed=False)


def restriction_get_for_change(*, user: User, restriction_id: str | int) -> Restriction:
    """Any active restriction, for a manager asking to review or lift it: the service
    decides whether they may, so a refusal is recorded rather than a 404."""
    if not _may_review_restrictions(user):
        raise PermissionDenied
    value = str(restriction_id)
    # "²" is a digit to isdigit() but not to int().
    if not (value.isascii() and value.isdigit()) or len(value) > 12:
        raise Http404("No restriction found")
    try:
        return _active_restrictions().select_related("contact").get(pk=int(value))
    except Restriction.DoesNotExist:
        raise Http404("No restriction found") from None


def restriction_candidates(*, user: User) -> QuerySet[User]:
    """Who could be named on a restriction: screening staff, and partner-agency
    members, who answer checks and attend meetings about the record. A list of staff
    for the manager restricting a record, so only those who may restrict get it:
    the acting user scopes it, as every selector's does."""
    if not _may_review_restrictions(user):
        raise PermissionDenied
    return (
        User.objects.filter(is_active=True)
        .filter(
            groups__permissions__codename__in=[
                Permission.SCREEN_CONTACTS.value,
                Permission.ANSWER_AGENCY_CHECKS.value,
            ]
        )
        .distinct()
        .order_by("full_name")
    )
