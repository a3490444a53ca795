"""Police notifications on the screening side (docs/adr/0037): the incident shown on the
screening page, and bulk triage of standard-risk notifications with the one rule for
whether a contact may be bulk-decided (``bulk_refusals``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from frontdoor.london import one_year_before
from frontdoor.models import User
from referrals import selectors as referral_selectors
from referrals.models import (
    Contact,
    ContactSubject,
    MatchCandidate,
    PersonWarning,
    PoliceNotification,
    Restriction,
    RiskGrade,
)
from referrals.selectors_police import CumulativeFlag, cumulative_flags
from screening.selectors.access import can_screen

# Bulk triage takes contacts nobody has started on, or the screener's own.
BULK_STATUSES = (Contact.Status.RECEIVED, Contact.Status.IN_SCREENING)
# Not yet decided (or ended): another of these about a child, whatever its date, may
# say more than this one (a later, graver notification), so a person screens both.
OPEN_STATUSES = (
    Contact.Status.RECEIVED,
    Contact.Status.IN_SCREENING,
    Contact.Status.AWAITING_CHECKS,
    Contact.Status.AWAITING_APPROVAL,
)


def police_parts(contact: Contact) -> dict:
    """What the screening page shows of a police notification: the incident, how each
    person was involved, and the cumulative rule's flags. Empty for other contacts."""
    if contact.channel != Contact.Channel.POLICE_NOTIFICATION:
        return {}
    notification = (
        PoliceNotification.objects.select_related("force")
        .prefetch_related("involvements__subject")
        .filter(contact=contact)
        .first()
    )
    if notification is None:
        return {}
    return {
        "police": notification,
        "police_involvements": sorted(
            notification.involvements.all(), key=lambda inv: inv.subject.position
        ),
        "cumulative": cumulative_flags([contact]).get(contact.pk, []),
    }


def _under_one(born: date | None, today: date) -> bool:
    # one_year_before: on 29 February, a year before is 28 February (ADR 0008).
    return born is not None and born > one_year_before(today)


def _family_refusal(told: bool | None) -> str:
    """A bulk decision tells the family; unless police told them, a person decides."""
    if told is None:
        return (
            "The notification does not say the family was told, and a bulk decision "
            "tells the family"
        )
    return "The family was not told police would share it, and a bulk decision tells the family"


WARNED = "Someone on it has a warning"
MAYBE_WARNED = "Someone on it is not yet matched, and a record they may be has a warning"


def _warned_subjects(contact_ids: list[int]) -> tuple[set[int], set[int]]:
    """The ids of the people on these contacts whose record has an active warning, and
    of those not yet matched with a likely match (a candidate waiting for a screener)
    whose record has one; in one query. "Active" is ``PersonWarning.objects.active()``,
    as the warnings selectors read it."""
    active = PersonWarning.objects.active()
    pending = MatchCandidate.objects.filter(
        subject_id=OuterRef("pk"), decision=MatchCandidate.Decision.PENDING
    ).filter(Exists(active.filter(person_id=OuterRef("person_id"))))
    rows = (
        ContactSubject.objects.filter(contact_id__in=contact_ids)
        .annotate(
            linked=Exists(active.filter(person_id=OuterRef("person_id"))),
            candidate=Exists(pending),
        )
        .filter(Q(linked=True) | Q(candidate=True))
        .values_list("pk", "linked", "candidate")
    )
    warned, maybe = set(), set()
    for pk, linked, candidate in rows:
        if linked:
            warned.add(pk)
        if candidate:
            maybe.add(pk)
    return warned, maybe


def bulk_refusals(
    contacts: Iterable[Contact], *, today: date | None = None
) -> dict[int, list[str]]:
    """Why each contact may not be bulk-decided, by contact id; a contact with no
    reasons may be. The one definition (the triage page and ``bulk_decide`` both ask
    it), in a fixed number of queries however many contacts. A contact may be
    bulk-decided only if it is a standard-grade police notification waiting for a
    first decision, not restricted, not re-sent with changes, saying police told the
    family (a bulk decision tells them: for domestic abuse a letter to a household
    with the alleged perpetrator is a person's decision), and none of these holds: a
    child on it has another contact that is earlier or still open whatever its date
    (or is not yet matched to a record, so their history is unknown), anyone on it has
    an active warning (or is not yet matched and a likely match's record has one), a
    child is under one on ``today`` (or not yet born, or has no date of birth), or a
    child meets the cumulative rule."""
    contacts = list(contacts)
    ids = [contact.pk for contact in contacts]
    if not ids:
        return {}
    reasons: dict[int, list[str]] = {pk: [] for pk in ids}
    notifications = {
        contact_id: (grade, told, resent)
        for contact_id, grade, told, resent in PoliceNotification.objects.filter(
            contact_id__in=ids
        ).values_list("contact_id", "risk_grade", "family_told", "resent_with_changes_at")
    }
    for contact in contacts:
        grade, told, resent = notifications.get(contact.pk, (None, None, None))
        if grade != RiskGrade.STANDARD:
            reasons[contact.pk].append("Not a standard-risk police notification")
        if resent:
            reasons[contact.pk].append(
                "Police re-sent it with changes (see the contact log on its page)"
            )
        if grade is not None and told is not True:
            reasons[contact.pk].append(_family_refusal(told))
        if contact.status not in BULK_STATUSES:
            reasons[contact.pk].append(f"It is {contact.get_status_display().lower()}")
    restricted = set(
        Contact.objects.filter(pk__in=ids)
        .filter(Exists(Restriction.objects.active().on_contact(OuterRef("pk"))))
        .values_list("pk", flat=True)
    )
    for pk in restricted:
        reasons[pk].append("The record is restricted")
    subjects = list(
        ContactSubject.objects.filter(contact_id__in=ids).values(
            "pk", "contact_id", "person_id", "role", "date_of_birth", "first_name"
        )
    )
    today = today or timezone.localdate()
    warned, maybe_warned = _warned_subjects(ids)
    received = {contact.pk: contact.received_at for contact in contacts}
    # Person id to the (contact id, received at, status) of every contact they are a
    # child on: another one earlier, or open whatever its date, means screening alone.
    history: dict[int, set[tuple[int, datetime, str]]] = defaultdict(set)
    for person_id, contact_id, at, status in (
        ContactSubject.objects.filter(
            person_id__in={
                s["person_id"]
                for s in subjects
                if s["person_id"] and s["role"] in ContactSubject.CHILD_ROLES
            },
            role__in=ContactSubject.CHILD_ROLES,
        )
        .filter(~Q(contact__status=Contact.Status.WITHDRAWN))
        .values_list("person_id", "contact_id", "contact__received_at", "contact__status")
    ):
        history[person_id].add((contact_id, at, status))
    for s in subjects:
        said = reasons[s["contact_id"]]
        if s["pk"] in warned and WARNED not in said:
            said.append(WARNED)
        if s["pk"] in maybe_warned and MAYBE_WARNED not in said:
            said.append(MAYBE_WARNED)
        if s["role"] not in ContactSubject.CHILD_ROLES:
            continue
        name = s["first_name"]
        if s["role"] == ContactSubject.Role.UNBORN_CHILD:
            said.append(f"{name} is not yet born")
        elif s["date_of_birth"] is None:
            said.append(f"{name}'s date of birth is not known")
        elif _under_one(s["date_of_birth"], today):
            said.append(f"{name} is under one")
        if s["person_id"] is None:
            said.append(f"{name} is not yet matched to a record, so their history is unknown")
        else:
            others = [
                (at, status)
                for contact_id, at, status in history[s["person_id"]]
                if contact_id != s["contact_id"]
            ]
            if any(at <= received[s["contact_id"]] for at, _ in others):
                said.append(f"{name} has earlier contacts")
            elif any(status in OPEN_STATUSES for _, status in others):
                said.append(f"{name} has another contact still open")
    for contact_id, flags in cumulative_flags(contacts).items():
        reasons[contact_id].extend(flag.sentence for flag in flags)
    return reasons


@dataclass
class TriageRow:
    contact: Contact
    notification: PoliceNotification
    children: list[ContactSubject] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)
    cumulative: list[CumulativeFlag] = field(default_factory=list)

    @property
    def may_bulk_decide(self) -> bool:
        return not self.refusals


def bulk_triage(*, user: User) -> list[TriageRow]:
    """Waiting standard-grade police notifications, due soonest first (at most
    ``POLICE_BULK_TRIAGE_MAX``), each with why it may not be bulk-decided, if it may
    not. Those another screener has taken are left to them."""
    if not can_screen(user):
        return []
    contacts = list(
        referral_selectors.contacts_visible_to(user=user)
        .filter(
            channel=Contact.Channel.POLICE_NOTIFICATION,
            status__in=BULK_STATUSES,
            advice_only=False,
            police_notification__risk_grade=RiskGrade.STANDARD,
        )
        .filter(
            Q(screening__isnull=True)
            | Q(screening__assigned_to__isnull=True)
            | Q(screening__assigned_to=user)
        )
        .select_related("police_notification")
        .order_by("decision_due_at", "pk")[: settings.POLICE_BULK_TRIAGE_MAX]
    )
    refusals = bulk_refusals(contacts)
    flags = cumulative_flags(contacts)
    children: dict[int, list[ContactSubject]] = defaultdict(list)
    for subject in ContactSubject.objects.filter(
        contact_id__in=[c.pk for c in contacts], role__in=ContactSubject.CHILD_ROLES
    ).order_by("position"):
        children[subject.contact_id].append(subject)
    return [
        TriageRow(
            contact=contact,
            notification=contact.police_notification,
            children=children[contact.pk],
            refusals=refusals[contact.pk],
            cumulative=flags.get(contact.pk, []),
        )
        for contact in contacts
    ]
