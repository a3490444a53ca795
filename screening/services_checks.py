"""Writes for multi-agency checks: ask an agency (with the basis for sharing the
family's information), a manager's approval or refusal of a check without consent,
and the agency's answer.

Keyword-only, typed, one transaction each, audited in it. Whether a check without
consent waits for a manager is the council's choice
(``settings.CHECKS_WITHOUT_CONSENT_NEED_APPROVAL``); until a manager approves it the
agency's members do not see it (``screening.selectors.checks_for_member``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from frontdoor import events
from frontdoor.limits import LIMITS
from frontdoor.models import Agency, User
from frontdoor.roles import Permission
from referrals.models import Contact, ContactSubject, Document
from screening.models_checks import (
    CHECK_AGENCY_TYPES,
    WAITING_STATUSES,
    AgencyCheck,
    SharingBasis,
)
from screening.services import (
    ScreeningRefused,
    _audit,
    _checks_settled,
    _held,
    _locked,
    _move,
    _require,
    _require_named,
)


class SharingRefused(ScreeningRefused):
    """What the basis for sharing says falls short: ``errors`` has a message for each
    field it concerns, for the form to show on that field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class Sharing:
    """The basis for sharing, as the form or a test gives it. The consent fields count
    only with consent; a reason may go with any basis without consent and is needed
    for "another lawful reason"."""

    basis: SharingBasis | str
    consent_given_by: ContactSubject | None = None
    consent_given_by_name: str = ""
    consent_given_on: date | None = None
    reason: str = ""

    @classmethod
    def consent(
        cls,
        *,
        given_on: date,
        given_by: ContactSubject | None = None,
        given_by_name: str = "",
    ) -> Sharing:
        return cls(
            SharingBasis.CONSENT,
            consent_given_by=given_by,
            consent_given_by_name=given_by_name,
            consent_given_on=given_on,
        )


def sharing_problems(sharing: Sharing, *, contact: Contact, today: date) -> dict[str, str]:
    """What is wrong with a basis for sharing, by field: the one rule the form shows
    field by field and ``check_request`` refuses on."""
    problems: dict[str, str] = {}
    if sharing.basis not in SharingBasis.choosable():
        return {"basis": "Select the basis for sharing the family's information"}
    if sharing.basis == SharingBasis.CONSENT:
        giver, name = sharing.consent_given_by, sharing.consent_given_by_name.strip()
        if giver is None and not name:
            problems["consent_given_by"] = "Select who gave consent, or name them"
        elif giver is not None and giver.contact_id != contact.pk:
            problems["consent_given_by"] = "Select someone on this contact, or name them"
        elif len(name) > LIMITS.short_text:
            problems["consent_given_by_name"] = (
                f"Name who gave consent in {LIMITS.short_text} characters or fewer"
            )
        if sharing.consent_given_on is None:
            problems["consent_given_on"] = "Enter the date consent was given"
        elif sharing.consent_given_on > today:
            problems["consent_given_on"] = "The date consent was given must be today or earlier"
    reason = sharing.reason.strip()
    if sharing.basis == SharingBasis.OTHER and not reason:
        problems["basis_reason"] = "Say the lawful reason for sharing without consent"
    elif len(reason) > LIMITS.reason:
        problems["basis_reason"] = f"Say why in {LIMITS.reason} characters or fewer"
    return problems


def approval_needed(basis: str) -> bool:
    return bool(settings.CHECKS_WITHOUT_CONSENT_NEED_APPROVAL) and basis in (
        SharingBasis.without_consent()
    )


@transaction.atomic
def check_request(
    *,
    actor: User,
    contact: Contact,
    agency: Agency,
    question: str,
    sharing: Sharing,
    documents: Sequence[Document] = (),
) -> AgencyCheck:
    """Ask ``agency`` what it knows, showing it ``documents``: files on this contact
    scanned clean, which its member may download from the check once it is sent (and
    no others; docs/adr/0032). Sent at once, or held for a manager when the council
    wants checks without consent approved first."""
    contact = _locked(contact)
    _held(actor=actor, contact=contact)
    if agency.type not in CHECK_AGENCY_TYPES:
        raise ScreeningRefused(f"{agency.name} is not a partner agency that answers checks.")
    if not question.strip():
        raise ScreeningRefused("Say what you need to know.")
    if any(d.contact_id != contact.pk or not d.readable for d in documents):
        raise ScreeningRefused("Only files on this contact that were scanned clean can be shared.")
    problems = sharing_problems(sharing, contact=contact, today=timezone.localdate())
    if problems:
        raise SharingRefused(problems)
    consent = sharing.basis == SharingBasis.CONSENT
    held = approval_needed(sharing.basis)
    check = AgencyCheck.objects.create(
        contact=contact,
        agency=agency,
        question=question.strip(),
        requested_by=actor,
        basis=sharing.basis,
        consent_given_by=sharing.consent_given_by if consent else None,
        consent_given_by_name=(
            sharing.consent_given_by_name.strip()
            if consent and sharing.consent_given_by is None
            else ""
        ),
        consent_given_on=sharing.consent_given_on if consent else None,
        basis_reason="" if consent else sharing.reason.strip(),
        status=AgencyCheck.Status.AWAITING_APPROVAL if held else AgencyCheck.Status.PENDING,
        sent_at=None if held else timezone.now(),
    )
    if documents:
        check.shared_documents.set(documents)
    if contact.status in (Contact.Status.RECEIVED, Contact.Status.IN_SCREENING):
        _move(contact, Contact.Status.AWAITING_CHECKS)
    _audit(
        actor,
        contact,
        "check_request",
        check=check.pk,
        agency=agency.pk,
        basis=check.basis,
        held_for_approval=held,
        documents_shared=[d.pk for d in documents],
    )
    if not held:
        events.publish(events.CHECK_SENT, check=check)
    return check


def _held_for_manager(actor: User, check: AgencyCheck) -> AgencyCheck:
    _require(actor, Permission.APPROVE_DECISIONS)
    check = AgencyCheck.objects.select_for_update().select_related("contact").get(pk=check.pk)
    if check.status != AgencyCheck.Status.AWAITING_APPROVAL:
        raise ScreeningRefused("This check is not waiting for approval.")
    if check.requested_by_id == actor.pk:
        raise ScreeningRefused("Another manager must approve a check you asked yourself.")
    _require_named(actor, check.contact_id)
    return check


@transaction.atomic
def check_approve(*, actor: User, check: AgencyCheck, comment: str = "") -> AgencyCheck:
    """A manager agrees the check may go without consent: it is sent to the agency now."""
    check = _held_for_manager(actor, check)
    now = timezone.now()
    check.status = AgencyCheck.Status.PENDING
    check.sent_at = now
    check.reviewed_by = actor
    check.reviewed_at = now
    check.review_comment = comment.strip()
    check.save(update_fields=["status", "sent_at", "reviewed_by", "reviewed_at", "review_comment"])
    _audit(actor, check.contact, "check_approve", check=check.pk)
    events.publish(events.CHECK_SENT, check=check)
    return check


@transaction.atomic
def check_refuse(*, actor: User, check: AgencyCheck, comment: str) -> AgencyCheck:
    """A manager does not agree: the check is never sent, and the screener sees why."""
    if not comment.strip():
        raise ScreeningRefused("Say why the check may not be sent without consent.")
    check = _held_for_manager(actor, check)
    check.status = AgencyCheck.Status.REFUSED
    check.reviewed_by = actor
    check.reviewed_at = timezone.now()
    check.review_comment = comment.strip()
    check.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
    contact = Contact.objects.select_for_update().get(pk=check.contact_id)
    if not contact.agency_checks.filter(status__in=WAITING_STATUSES).exists():
        _checks_settled(contact)
    _audit(actor, contact, "check_refuse", check=check.pk)
    return check


@transaction.atomic
def check_answer(*, actor: User, check: AgencyCheck, response: str) -> AgencyCheck:
    _require(actor, Permission.ANSWER_AGENCY_CHECKS)
    check = AgencyCheck.objects.select_for_update().select_related("contact").get(pk=check.pk)
    if actor.agency_id != check.agency_id:
        raise ScreeningRefused("Only a member of the agency asked can answer this check.")
    _require_named(actor, check.contact_id)
    if check.status == AgencyCheck.Status.ANSWERED:
        raise ScreeningRefused("This check has already been answered.")
    if check.status != AgencyCheck.Status.PENDING:
        # Held for a manager or refused: the agency was never asked.
        raise ScreeningRefused("This check has not been sent to your agency.")
    if not response.strip():
        raise ScreeningRefused("Enter what your agency knows, or that it knows nothing.")
    check.status = AgencyCheck.Status.ANSWERED
    check.response = response.strip()
    check.answered_by = actor
    check.answered_at = timezone.now()
    check.save(update_fields=["status", "response", "answered_by", "answered_at"])
    contact = Contact.objects.select_for_update().get(pk=check.contact_id)
    if not contact.agency_checks.filter(status__in=WAITING_STATUSES).exists():
        _checks_settled(contact)
    _audit(actor, contact, "check_answer", check=check.pk)
    return check
