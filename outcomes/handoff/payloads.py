"""What an event tells a case system: the ``data`` of its Standard Webhooks payload,
fixed when the event is written. Everything a case system needs to open its own
record without re-keying: the decision, the people with their identifiers, the Signs
of Safety screening, the checks, the child's voice and the documents' details (not
their bytes: those are fetched, with a token, by a person who may read them); for a
withdrawn contact, the contact, its people and why it was withdrawn."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from referrals.models import (
    Contact,
    ContactSubject,
    ContactWithdrawal,
    Document,
    PoliceInvolvement,
    PoliceNotification,
)
from screening.models import AgencyCheck, Decision, Screening

CHILD_ROLES = (ContactSubject.Role.CHILD, ContactSubject.Role.UNBORN_CHILD)


def _date(value) -> str | None:
    return value.isoformat() if value else None


def _person(subject: ContactSubject) -> dict[str, Any]:
    person = {
        "front_door_person_id": subject.person_id,
        "role": subject.role,
        "relationship_to_children": subject.relationship_to_children,
        "first_name": subject.first_name,
        "last_name": subject.last_name,
        "other_names": subject.other_names,
        "date_of_birth": _date(subject.date_of_birth),
        "expected_date_of_birth": _date(subject.expected_date_of_birth),
        "sex": subject.sex,
        "nhs_number": subject.nhs_number,
        "unique_pupil_number": subject.unique_pupil_number,
        "ethnicity": subject.ethnicity,
        "disabilities": list(subject.disabilities),
        "address": subject.address,
        "postcode": subject.postcode,
    }
    if subject.role in CHILD_ROLES:
        person["voice"] = {
            "seen": subject.child_seen,
            "seen_on": _date(subject.child_seen_on),
            "seen_by": subject.child_seen_by,
            "said": subject.child_said,
            "not_seen_reason": subject.child_not_seen_reason,
        }
    return person


@dataclass
class ContactParts:
    """What an event tells of a contact beyond its own row, read for many contacts at
    once (``contact_parts``): bulk triage writes fifty events in one transaction."""

    subjects: list[ContactSubject] = field(default_factory=list)
    police: PoliceNotification | None = None
    involvements: list[PoliceInvolvement] = field(default_factory=list)
    screening: Screening | None = None
    checks: list[AgencyCheck] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)


def contact_parts(contact_ids: Iterable[int]) -> dict[int, ContactParts]:
    """Each contact's people, police notification, screening, checks and documents,
    by contact id: a fixed number of queries however many contacts."""
    ids = list(dict.fromkeys(contact_ids))
    parts = {pk: ContactParts() for pk in ids}
    for subject in ContactSubject.objects.filter(contact_id__in=ids).order_by("position", "pk"):
        parts[subject.contact_id].subjects.append(subject)
    notifications = {
        notification.pk: notification
        for notification in PoliceNotification.objects.filter(contact_id__in=ids).select_related(
            "force"
        )
    }
    for notification in notifications.values():
        parts[notification.contact_id].police = notification
    for involvement in (
        PoliceInvolvement.objects.filter(notification_id__in=notifications)
        .select_related("subject")
        .order_by("subject__position", "pk")
    ):
        contact_id = notifications[involvement.notification_id].contact_id
        parts[contact_id].involvements.append(involvement)
    for screening in Screening.objects.filter(contact_id__in=ids):
        parts[screening.contact_id].screening = screening
    for check in (
        AgencyCheck.objects.filter(contact_id__in=ids).select_related("agency").order_by("pk")
    ):
        parts[check.contact_id].checks.append(check)
    for document in Document.objects.filter(contact_id__in=ids).order_by("uploaded_at", "pk"):
        parts[document.contact_id].documents.append(document)
    return parts


def _signs_of_safety(parts: ContactParts) -> dict[str, Any] | None:
    screening = parts.screening
    if screening is None:
        return None
    return {
        "past_harm": screening.past_harm,
        "danger_statement": screening.danger_statement,
        "complicating_factors": screening.complicating_factors,
        "strengths": screening.strengths,
        "existing_safety": screening.existing_safety,
        "safety_goals": screening.safety_goals,
        "next_steps": screening.next_steps,
        "scaling": screening.scaling,
    }


def _checks(parts: ContactParts) -> list[dict[str, Any]]:
    return [
        {
            "agency": check.agency.name,
            "question": check.question,
            "status": check.status,
            "sharing_basis": check.basis,
            "asked_at": check.requested_at.isoformat(),
            "answer": check.response,
            "answered_at": check.answered_at.isoformat() if check.answered_at else None,
        }
        for check in parts.checks
    ]


def _documents(parts: ContactParts) -> list[dict[str, Any]]:
    return [
        {
            "id": document.pk,
            "filename": document.filename,
            "description": document.description,
            "content_type": document.content_type,
            "size": document.size,
            "sha256": document.sha256,
            "malware_scan": document.scan_state,
            "attached_at": document.uploaded_at.isoformat(),
        }
        for document in parts.documents
    ]


def _who(user) -> dict[str, str] | None:
    if user is None:
        return None
    return {"name": user.get_full_name() or user.email, "email": user.email}


def contact_summary(contact: Contact) -> dict[str, Any]:
    return {
        "reference": contact.reference,
        "received_at": contact.received_at.isoformat(),
        "channel": contact.channel,
        "case_system_id": contact.case_system_id,
    }


def _police(parts: ContactParts) -> dict[str, Any] | None:
    """A police notification's incident and grade, and the officer's account: the case
    system keeps the council's record of the concern (docs/adr/0037). None otherwise."""
    notification = parts.police
    if notification is None:
        return None
    return {
        "force": notification.force.name,
        "police_reference": notification.police_reference,
        "incident_number": notification.incident_number,
        "incident_at": notification.incident_at.isoformat(),
        "incident_type": notification.incident_type,
        "risk_grade": notification.risk_grade,
        "officer_name": notification.officer_name,
        "officer_account": notification.officer_account,
        "family_told": notification.family_told,
        "involvements": [
            {"front_door_person_id": inv.subject.person_id, "involvement": inv.involvement}
            for inv in parts.involvements
        ],
    }


def _contact_as_sent(contact: Contact, parts: ContactParts) -> dict[str, Any]:
    return {
        **contact_summary(contact),
        "police_notification": _police(parts),
        "concerns": contact.concerns,
        "concern_categories": list(contact.concern_categories),
        "urgency": contact.urgency,
        "referrer": {
            "name": contact.referrer_name,
            "role": contact.referrer_role,
            "organisation": contact.referrer_organisation,
            "phone": contact.referrer_phone,
            "email": contact.referrer_email,
            "anonymous": contact.referrer_anonymous,
        },
    }


def _people_of(parts: ContactParts) -> dict[str, list[dict[str, Any]]]:
    """The contact's ``children`` and ``adults``, in the order the referrer gave them."""
    subjects = parts.subjects
    return {
        "children": [_person(s) for s in subjects if s.role in CHILD_ROLES],
        "adults": [_person(s) for s in subjects if s.role not in CHILD_ROLES],
    }


def withdrawal_data(withdrawal: ContactWithdrawal) -> dict[str, Any]:
    """A contact withdrawn before any decision stood: the contact and its people, as
    in a decision's event (a case system that opened a record from an earlier
    system's copy finds it by the same identifiers), and why it was withdrawn."""
    contact = withdrawal.contact
    parts = contact_parts([contact.pk])[contact.pk]
    return {
        "contact": _contact_as_sent(contact, parts),
        "withdrawal": {
            "reason": withdrawal.reason,
            "reason_name": withdrawal.get_reason_display(),
            "duplicate_of": withdrawal.duplicate_of.reference if withdrawal.duplicate_of else None,
            "note": withdrawal.note,
            "asked_by": withdrawal.asked_by,
            "withdrawn_at": withdrawal.withdrawn_at.isoformat(),
            "withdrawn_by": _who(withdrawal.withdrawn_by),
        },
        **_people_of(parts),
    }


def decision_data(decision: Decision, parts: ContactParts | None = None) -> dict[str, Any]:
    """A standing decision, and the contact as it stood when it was made (``parts``:
    the contact's, read already by ``contact_parts``)."""
    contact = decision.contact
    if parts is None:
        parts = contact_parts([contact.pk])[contact.pk]
    return {
        "contact": _contact_as_sent(contact, parts),
        "decision": {
            "id": decision.pk,
            "route": decision.route,
            "route_name": decision.get_route_display(),
            "threshold_level": decision.threshold_level.number,
            "threshold_name": decision.threshold_level.name,
            "primary_need": decision.primary_need,
            "rationale": decision.rationale,
            "is_re_referral": decision.is_re_referral,
            "family_told": decision.family_notice == Decision.FamilyNotice.NOTIFY,
            "advice_given": decision.advice_given,
            "advice_given_to": list(decision.advice_given_to),
            "decided_at": decision.decided_at.isoformat(),
            "decided_by": _who(decision.decided_by),
            "approved_at": decision.approval_at.isoformat() if decision.approval_at else None,
            "approved_by": _who(decision.approved_by),
            "supersedes": decision.supersedes_id,
        },
        **_people_of(parts),
        "signs_of_safety": _signs_of_safety(parts),
        "checks": _checks(parts),
        "documents": _documents(parts),
    }


def superseded_data(superseded: Decision, by: Decision) -> dict[str, Any]:
    """A standing decision replaced by a later one: the case system undoes what it did
    with the first (the ``decision.stands`` event that follows says what stands now)."""
    return {
        "contact": contact_summary(superseded.contact),
        "superseded_decision": {
            "id": superseded.pk,
            "route": superseded.route,
            "decided_at": superseded.decided_at.isoformat(),
        },
        "superseded_by": {"id": by.pk, "route": by.route, "rationale": by.rationale},
    }
