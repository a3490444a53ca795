"""A force re-sending a notification it already sent, compared with what was recorded
(docs/adr/0037). A re-send that says the same is recognised and nothing is recorded; one
that says something different (grade, incident time or type, whether the family was
told, the children, the adults, the officer's account) is never dropped quietly: the
differences go on the contact's log for the screener (``POLICE_NOTIFICATION_RESENT``,
written by screening), the notification is marked as re-sent with changes (so it is
screened on its own, not bulk-decided), and a higher grade raises the contact's
urgency and brings its clock forward while it waits for a decision."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from frontdoor import events
from frontdoor.audit import audit_record
from frontdoor.models import AuditEvent, User
from referrals.models import (
    CHILD_INVOLVEMENTS,
    Contact,
    IncidentType,
    Involvement,
    PoliceNotification,
    RiskGrade,
)

GRADE_ORDER = [RiskGrade.STANDARD, RiskGrade.MEDIUM, RiskGrade.HIGH]
URGENCY_ORDER = [Contact.Urgency.ROUTINE, Contact.Urgency.SOON, Contact.Urgency.IMMEDIATE]
# Still waiting for a decision: a raised grade moves its clock.
WAITING = (Contact.Status.RECEIVED, Contact.Status.IN_SCREENING, Contact.Status.AWAITING_CHECKS)


@dataclass(frozen=True)
class ResendChange:
    """One way a re-send differs: ``field`` as the API names it, ``sentence`` for a
    person (never the officer's account itself)."""

    field: str
    sentence: str


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%-d %B %Y %H:%M")


def _told(value: bool | None) -> str:
    return {True: "yes", False: "no", None: "not said"}[value]


def _people(pairs) -> Counter:
    """(name, involvement) pairs, names compared case and spacing aside."""
    return Counter((" ".join(name.split()).casefold(), how) for name, how in pairs)


def _people_change(field: str, what: str, before: Counter, after: Counter, names: dict):
    added = sorted(after - before)
    gone = sorted(before - after)
    if not added and not gone:
        return None

    def said(items):
        return ", ".join(f"{names[item]} ({Involvement(item[1]).label.lower()})" for item in items)

    parts = []
    if added:
        parts.append(f"now also {said(added)}")
    if gone:
        parts.append(f"no longer {said(gone)}")
    return ResendChange(field, f"{what}: {'; '.join(parts)}")


def resend_changes(notification: PoliceNotification, data) -> list[ResendChange]:
    """How a re-send (a ``PoliceNotificationInput``) differs from what was recorded."""
    details = data.details
    changes: list[ResendChange] = []
    if details.risk_grade != notification.risk_grade:
        changes.append(
            ResendChange(
                "risk_grade",
                f"Risk grade: first {RiskGrade(notification.risk_grade).label.lower()}, "
                f"now {RiskGrade(details.risk_grade).label.lower()}",
            )
        )
    first_at = notification.incident_at.replace(second=0, microsecond=0)
    if details.incident_at.replace(second=0, microsecond=0) != first_at:
        changes.append(
            ResendChange(
                "incident_at",
                f"Incident time: first {_when(first_at)}, now {_when(details.incident_at)}",
            )
        )
    if details.incident_type != notification.incident_type:
        changes.append(
            ResendChange(
                "incident_type",
                f"Incident type: first {notification.get_incident_type_display().lower()}, "
                f"now {IncidentType(details.incident_type).label.lower()}",
            )
        )
    if details.family_told != notification.family_told:
        changes.append(
            ResendChange(
                "family_told",
                f"Family told police would share it: first {_told(notification.family_told)}, "
                f"now {_told(details.family_told)}",
            )
        )
    recorded = [
        (involvement.subject.full_name, involvement.involvement)
        for involvement in notification.involvements.select_related("subject")
    ]
    sent = [
        (f"{subject.first_name} {subject.last_name}", involvement)
        for subject, involvement in zip(data.subjects, data.involvements, strict=True)
    ]
    names = {}
    for name, how in recorded + sent:
        names.setdefault((" ".join(name.split()).casefold(), how), " ".join(name.split()))
    for field, what, children in (("children", "Children", True), ("adults", "Adults", False)):
        before = _people(p for p in recorded if (p[1] in CHILD_INVOLVEMENTS) == children)
        after = _people(p for p in sent if (p[1] in CHILD_INVOLVEMENTS) == children)
        change = _people_change(field, what, before, after, names)
        if change:
            changes.append(change)
    if " ".join(details.officer_account.split()) != " ".join(notification.officer_account.split()):
        changes.append(ResendChange("officer_account", "The officer's account is different"))
    return changes


def _raise_grade(notification: PoliceNotification, grade: str, now: datetime) -> bool:
    """A higher grade on a contact still waiting: the notification takes it, and the
    contact the grade's urgency and clock (from now) if sooner. Whether it did."""
    from referrals.services.police import URGENCY_OF_GRADE, police_decision_due

    if GRADE_ORDER.index(RiskGrade(grade)) <= GRADE_ORDER.index(RiskGrade(notification.risk_grade)):
        return False
    contact = Contact.objects.select_for_update().get(pk=notification.contact_id)
    if contact.status not in WAITING:
        return False
    notification.risk_grade = grade
    notification.save(update_fields=["risk_grade"])
    urgency = URGENCY_OF_GRADE[RiskGrade(grade)]
    if URGENCY_ORDER.index(urgency) > URGENCY_ORDER.index(Contact.Urgency(contact.urgency)):
        contact.urgency = urgency
        if urgency == Contact.Urgency.IMMEDIATE:
            contact.became_immediate_at = now
    due = police_decision_due(received_at=now, risk_grade=grade)
    contact.decision_due_at = min(contact.decision_due_at, due) if contact.decision_due_at else due
    contact.save(update_fields=["urgency", "became_immediate_at", "decision_due_at"])
    notification.contact = contact
    return True


def resent_with_changes(
    *, actor: User, notification: PoliceNotification, data, changes: list[ResendChange], via: str
) -> None:
    """Record a re-send that differs: marked on the notification, the grade raised if
    higher, the differences (and a different account as re-sent) on the contact log."""
    now = timezone.now()
    raised = _raise_grade(notification, data.details.risk_grade, now)
    notification.resent_with_changes_at = now
    notification.save(update_fields=["resent_with_changes_at"])
    lines = [f"{notification.force.name} re-sent {notification.police_reference} with changes:"]
    lines += [f"- {change.sentence}." for change in changes]
    if raised:
        lines.append("The contact now runs on the higher grade's urgency and clock.")
    elif any(change.field == "risk_grade" for change in changes):
        lines.append("The grade on the record is unchanged: check it against this re-send.")
    if any(change.field == "officer_account" for change in changes):
        lines += ["", "The officer's account as re-sent:", data.details.officer_account.strip()]
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        record_type="contact",
        record_id=notification.contact.reference,
        via=via,
        detail={
            "police_notification": notification.pk,
            "resent_with_changes": [change.field for change in changes],
            "grade_raised": raised,
        },
    )
    events.publish(
        events.POLICE_NOTIFICATION_RESENT,
        notification=notification,
        actor=actor,
        note="\n".join(lines),
    )
