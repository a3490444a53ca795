"""Reads for police notifications: who may record one (``can_record_police``, defined
in frontdoor.selectors for the navigation), a force's notification found
by its reference (a re-send), and the cumulative rule (docs/adr/0037)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Q, QuerySet

from frontdoor.london import LONDON, months_before
from frontdoor.models import Agency
from frontdoor.selectors import can_record_police
from referrals.models import Contact, ContactSubject, PoliceImport, PoliceNotification


def police_reference_clean(value: str) -> str:
    """A force's reference as kept and compared: spaces gone, upper case ("ny 24/1234"
    and "NY24/1234" are one notification)."""
    return "".join(value.split()).upper()


def notification_sent_before(*, force: Agency, police_reference: str) -> PoliceNotification | None:
    """The force's notification with this reference, if it was sent already."""
    return (
        PoliceNotification.objects.select_related("contact")
        .filter(force=force, police_reference__iexact=police_reference_clean(police_reference))
        .first()
    )


def references_sent_before(*, force: Agency, references: Iterable[str]) -> dict[str, str]:
    """Of these references (cleaned), those the force sent already: reference to the
    contact it made, in one query (a batch file's re-sends)."""
    cleaned = {police_reference_clean(ref) for ref in references if ref.strip()}
    if not cleaned:
        return {}
    return dict(
        PoliceNotification.objects.filter(force=force, police_reference__in=cleaned).values_list(
            "police_reference", "contact__reference"
        )
    )


@dataclass(frozen=True)
class CumulativeFlag:
    """A child on a contact with at least the rule's number of police notifications in
    its window (this one counted), across every address, by their person record."""

    person_id: int
    name: str
    count: int

    @property
    def sentence(self) -> str:
        months = settings.POLICE_CUMULATIVE_MONTHS
        return f"{self.count} police notifications about {self.name} in {months} months"


def _window_start(moment: datetime) -> datetime:
    """The same London wall-clock time POLICE_CUMULATIVE_MONTHS calendar months before."""
    local = moment.astimezone(LONDON)
    earlier = months_before(local.date(), settings.POLICE_CUMULATIVE_MONTHS)
    return datetime.combine(earlier, local.time(), tzinfo=LONDON)


def cumulative_flags(contacts: Iterable[Contact]) -> dict[int, list[CumulativeFlag]]:
    """The cumulative rule, the one definition (the queue, the screening page, bulk
    triage and the complex-case rules ask it): for each contact, the children on it
    with ``POLICE_CUMULATIVE_NOTIFICATIONS`` or more police notifications received in
    the ``POLICE_CUMULATIVE_MONTHS`` up to it, counted by person record (whatever
    address each gave). A withdrawn notification (sent in error, a duplicate) does not
    count. Contacts with no such child are left out. Two queries however many."""
    by_id = {contact.pk: contact for contact in contacts}
    if not by_id:
        return {}
    children = list(
        ContactSubject.objects.filter(
            contact_id__in=by_id, role__in=ContactSubject.CHILD_ROLES, person__isnull=False
        ).values("contact_id", "person_id", "first_name", "last_name")
    )
    if not children:
        return {}
    earliest = min(_window_start(contact.received_at) for contact in by_id.values())
    latest = max(contact.received_at for contact in by_id.values())
    seen: dict[int, list[tuple[int, datetime]]] = defaultdict(list)
    for person_id, contact_id, received_at in (
        ContactSubject.objects.filter(
            person_id__in={child["person_id"] for child in children},
            role__in=ContactSubject.CHILD_ROLES,
            contact__channel=Contact.Channel.POLICE_NOTIFICATION,
            contact__received_at__gte=earliest,
            contact__received_at__lte=latest,
        )
        .filter(~Q(contact__status=Contact.Status.WITHDRAWN))
        .values_list("person_id", "contact_id", "contact__received_at")
        .distinct()
    ):
        seen[person_id].append((contact_id, received_at))
    flags: dict[int, list[CumulativeFlag]] = defaultdict(list)
    threshold = settings.POLICE_CUMULATIVE_NOTIFICATIONS
    for child in children:
        contact = by_id[child["contact_id"]]
        start = _window_start(contact.received_at)
        count = len(
            {
                contact_id
                for contact_id, at in seen[child["person_id"]]
                if start <= at <= contact.received_at
            }
        )
        if count >= threshold:
            flags[contact.pk].append(
                CumulativeFlag(
                    child["person_id"], f"{child['first_name']} {child['last_name']}", count
                )
            )
    return dict(flags)


def police_imports_for(*, user) -> QuerySet[PoliceImport]:
    """A person's own uploads of police notification files (their reports name rows of
    the notifications they sent); police staff only. Without the kept file."""
    if not can_record_police(user):
        return PoliceImport.objects.none()
    return PoliceImport.objects.filter(uploaded_by=user).defer("sealed_file")
