"""Recording a police notification: the contact (through intake, like every channel),
its incident details and grade, and how each person was involved, in one transaction.

A force re-sending a notification it already sent (the same reference, case and
spaces aside) gets the contact the first one made, not a new one; concurrent sends
of one reference are serialised by an advisory lock, and the unique constraint is
the backstop. The grade sets the clock and the queue (docs/adr/0037)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from frontdoor import events
from frontdoor.audit import audit_record
from frontdoor.london import years_before
from frontdoor.models import Agency, AuditEvent, User
from frontdoor.selectors import can_record_police
from frontdoor.working_days import response_due
from referrals.models import (
    CHILD_INVOLVEMENTS,
    ApiClient,
    Contact,
    ContactSubject,
    IncidentType,
    Involvement,
    PoliceInvolvement,
    PoliceNotification,
    RiskGrade,
)
from referrals.selectors_police import notification_sent_before, police_reference_clean
from referrals.services.inputs import ContactInput, ContactRejected, ReferrerInput, SubjectInput
from referrals.services.intake import contact_submit
from referrals.services.police_resend import ResendChange, resend_changes, resent_with_changes
from referrals.validators import POLICE_REFERENCE

URGENCY_OF_GRADE = {
    RiskGrade.HIGH: Contact.Urgency.IMMEDIATE,
    RiskGrade.MEDIUM: Contact.Urgency.SOON,
    RiskGrade.STANDARD: Contact.Urgency.ROUTINE,
}
CATEGORY_OF_INCIDENT = {
    IncidentType.DOMESTIC_ABUSE: "domestic_abuse",
    IncidentType.MISSING_EPISODE: "missing_from_home",
    IncidentType.EXPLOITATION_CONCERN: "child_exploitation",
    IncidentType.CHILD_ARRESTED: "other",
    IncidentType.OTHER: "other",
}
ADULT_INVOLVEMENTS = tuple(value for value in Involvement.values if value not in CHILD_INVOLVEMENTS)


class PoliceNotificationRefused(ContactRejected):
    """A notification that cannot be recorded; ``field`` names what is wrong, if one
    field is (the forms and the import show it there)."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class PoliceDetails:
    police_reference: str
    incident_at: datetime
    incident_type: str
    risk_grade: str
    officer_account: str
    incident_number: str = ""
    officer_name: str = ""
    family_told: bool | None = None  # None: the officer did not say


@dataclass(frozen=True)
class PoliceNotificationInput:
    """What a force sends: the incident, and the people with how each was involved
    (``involvements`` in the order of ``subjects``). What a child said goes in the
    child's voice on their ``SubjectInput``."""

    details: PoliceDetails
    subjects: list[SubjectInput]
    involvements: list[str] = field(default_factory=list)
    referrer: ReferrerInput | None = None
    received_at: datetime | None = None


def police_decision_due(*, received_at: datetime, risk_grade: str) -> datetime:
    """When the decision on a notification of this grade is due: high is immediate
    risk, with its clock (``response_due``); the others the grade's working hours from
    receipt (POLICE_RESPONSE_WORKING_HOURS), never later than the one-working-day
    clock every contact has."""
    if risk_grade == RiskGrade.HIGH:
        return response_due(received_at, immediate=True)
    hours = settings.POLICE_RESPONSE_WORKING_HOURS[RiskGrade(risk_grade).value]
    return response_due(received_at, working_hours=hours)


# The earliest incident a notification may be about: police notify within days, so
# anything older than this before receipt is a mistyped date (1900, 0001-01-01).
INCIDENT_AT_MOST_BEFORE_RECEIPT_YEARS = 1


def _check_reference(value: str, what: str, field: str) -> None:
    if not POLICE_REFERENCE.match(value.strip()):
        raise PoliceNotificationRefused(
            f"The {what} must start with a letter or number and use only letters, numbers, "
            "spaces and / _ . -",
            field=field,
        )


def _check_incident_at(incident_at: datetime, received_at: datetime | None) -> None:
    """Not after receipt (nor in the future), not more than a year before receipt."""
    now = timezone.now()
    if incident_at > now + timedelta(minutes=5):
        raise PoliceNotificationRefused(
            "The incident's date and time cannot be in the future", field="incident_at"
        )
    received = received_at or now
    if incident_at > received + timedelta(minutes=5):
        raise PoliceNotificationRefused(
            "The incident's date and time cannot be after the notification was received",
            field="incident_at",
        )
    earliest = years_before(received, INCIDENT_AT_MOST_BEFORE_RECEIPT_YEARS)
    if incident_at < earliest:
        raise PoliceNotificationRefused(
            "The incident's date must be within the 12 months before the notification was "
            f"received (on or after {timezone.localtime(earliest):%-d %B %Y}): check the year",
            field="incident_at",
        )


def _check(data: PoliceNotificationInput, force: Agency) -> str:
    details = data.details
    if force.type != Agency.Type.POLICE or not force.is_active:
        raise PoliceNotificationRefused(f"{force.name} is not a police force that can send these.")
    reference = police_reference_clean(details.police_reference)
    if not reference:
        raise PoliceNotificationRefused("Enter the police reference", field="police_reference")
    if len(reference) > PoliceNotification._meta.get_field("police_reference").max_length:
        raise PoliceNotificationRefused(
            "The police reference must be 50 characters or fewer", field="police_reference"
        )
    if details.risk_grade not in RiskGrade.values:
        raise PoliceNotificationRefused("Select the risk grade", field="risk_grade")
    if details.incident_type not in IncidentType.values:
        raise PoliceNotificationRefused("Select the type of incident", field="incident_type")
    if not details.officer_account.strip():
        raise PoliceNotificationRefused("Enter the officer's account", field="officer_account")
    _check_reference(details.police_reference, "police reference", "police_reference")
    if details.incident_number.strip():
        _check_reference(details.incident_number, "incident number", "incident_number")
    _check_incident_at(details.incident_at, data.received_at)
    if len(data.involvements) != len(data.subjects):
        raise PoliceNotificationRefused("Say how each person was involved", field="involvement")
    for subject, involvement in zip(data.subjects, data.involvements, strict=True):
        child = subject.role in ContactSubject.CHILD_ROLES
        if child and involvement not in CHILD_INVOLVEMENTS:
            raise PoliceNotificationRefused(
                f"Say whether {subject.first_name} was present or normally lives there",
                field="involvement",
            )
        if not child and involvement not in ADULT_INVOLVEMENTS:
            raise PoliceNotificationRefused(
                f"Select how {subject.first_name} was involved", field="involvement"
            )
    return reference


def _family_awareness(family_told: bool | None) -> tuple[str, str]:
    if family_told:
        return (
            Contact.FamilyAwareness.AWARE_NOT_CONSENTED,
            "Police told the family they would share this; police do not need the "
            "family's agreement to share a notification.",
        )
    if family_told is False:
        return Contact.FamilyAwareness.NOT_AWARE, "The officer did not tell the family."
    return Contact.FamilyAwareness.NOT_AWARE, "The notification does not say."


def _contact_input(data: PoliceNotificationInput, received_at: datetime) -> ContactInput:
    details = data.details
    awareness, reason = _family_awareness(details.family_told)
    when = timezone.localtime(details.incident_at).strftime("%-d %B %Y at %H:%M")
    return ContactInput(
        subjects=data.subjects,
        # The officer's own account is kept on the notification (and erased with it).
        concerns=(
            f"Police notification: {IncidentType(details.incident_type).label.lower()} "
            f"incident on {when}, graded {RiskGrade(details.risk_grade).label.lower()} "
            "risk by the attending officer."
        ),
        concern_categories=[CATEGORY_OF_INCIDENT[IncidentType(details.incident_type)]],
        family_awareness=awareness,
        family_not_told_reason=reason,
        urgency=URGENCY_OF_GRADE[RiskGrade(details.risk_grade)],
        referrer=data.referrer,
        received_at=received_at,
        decision_due_at=police_decision_due(received_at=received_at, risk_grade=details.risk_grade),
    )


@dataclass(frozen=True)
class PoliceReceipt:
    """What became of a send: the contact, whether it is new, and how a re-send differs
    from what was recorded (empty for a new one or a re-send that says the same)."""

    contact: Contact
    created: bool
    changes: list[ResendChange] = field(default_factory=list)


def _resent(
    actor: User, notification: PoliceNotification, data: PoliceNotificationInput, via: str
) -> PoliceReceipt:
    changes = resend_changes(notification, data)
    if changes:
        resent_with_changes(
            actor=actor, notification=notification, data=data, changes=changes, via=via
        )
    else:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.VIEW,
            record_type="contact",
            record_id=notification.contact.reference,
            via=via,
            detail={"police_notification": notification.pk, "resent": True},
        )
    return PoliceReceipt(notification.contact, False, changes)


def _lock_reference(force: Agency, reference: str) -> None:
    """Serialise sends of one reference by one force until the caller commits."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [force.pk % 2**31, reference]
        )


def police_notification_record(
    *,
    actor: User,
    data: PoliceNotificationInput,
    force: Agency,
    api_client: ApiClient | None = None,
    via: str = "referrals.police_notification_record",
) -> tuple[Contact, bool]:
    """``police_notification_receive`` for callers that need only (contact, created)."""
    receipt = police_notification_receive(
        actor=actor, data=data, force=force, api_client=api_client, via=via
    )
    return receipt.contact, receipt.created


@transaction.atomic
def police_notification_receive(
    *,
    actor: User,
    data: PoliceNotificationInput,
    force: Agency,
    api_client: ApiClient | None = None,
    via: str = "referrals.police_notification_record",
    acknowledge: bool = True,
) -> PoliceReceipt:
    """Record a force's notification. A re-send of a reference the force already sent
    returns that contact with ``created`` false; if it says the same nothing new is
    recorded, and if it differs the receipt's ``changes`` say how, and those are
    recorded for the screener (``police_resend``). Raises ``PoliceNotificationRefused``
    (a ``ContactRejected``). ``acknowledge`` false: the force is told once for a
    whole file (docs/adr/0040), not for this notification."""
    if api_client is None and not can_record_police(actor):
        raise PoliceNotificationRefused("Only police staff can record a police notification.")
    if api_client is None and actor.agency_id != force.pk:
        raise PoliceNotificationRefused("You can record your own force's notifications only.")
    reference = _check(data, force)
    _lock_reference(force, reference)
    existing = notification_sent_before(force=force, police_reference=reference)
    if existing is not None:
        return _resent(actor, existing, data, via)
    received_at = data.received_at or timezone.now()
    try:
        with transaction.atomic():
            contact, _ = contact_submit(
                actor=actor,
                data=_contact_input(data, received_at),
                channel=Contact.Channel.POLICE_NOTIFICATION,
                referrer_account=actor,
                api_client=api_client,
                acknowledge=acknowledge,
            )
            details = data.details
            notification = PoliceNotification.objects.create(
                contact=contact,
                force=force,
                police_reference=reference,
                incident_number=details.incident_number.strip(),
                incident_at=details.incident_at,
                incident_type=details.incident_type,
                risk_grade=details.risk_grade,
                officer_account=details.officer_account.strip(),
                officer_name=details.officer_name.strip(),
                family_told=details.family_told,
                recorded_by=actor,
            )
    except IntegrityError:
        # The lock makes this unlikely; the constraint makes it safe.
        existing = notification_sent_before(force=force, police_reference=reference)
        if existing is None:
            raise
        return _resent(actor, existing, data, via)
    subjects = list(contact.subjects.order_by("position"))
    PoliceInvolvement.objects.bulk_create(
        PoliceInvolvement(notification=notification, subject=subject, involvement=involvement)
        for subject, involvement in zip(subjects, data.involvements, strict=True)
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        record_type="contact",
        record_id=contact.reference,
        via=via,
        detail={"police_notification": notification.pk, "risk_grade": details.risk_grade},
    )
    events.publish(events.POLICE_NOTIFICATION_RECORDED, notification=notification)
    return PoliceReceipt(contact, True)
