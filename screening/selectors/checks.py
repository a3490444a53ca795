"""Agency checks: those on a contact, those a partner agency's member answers (only
once sent: a check held for a manager's approval, or refused, is not theirs to
see), and those without consent waiting for a manager."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Case, F, Prefetch, QuerySet, When
from django.http import Http404
from django.utils import timezone

from frontdoor.models import User
from frontdoor.roles import Permission
from referrals import selectors as referral_selectors
from referrals.models import Contact, ContactSubject
from screening.models import AgencyCheck
from screening.models_checks import answer_overdue
from screening.selectors.access import can_approve, can_screen

SENT_STATUSES = (AgencyCheck.Status.PENDING, AgencyCheck.Status.ANSWERED)


def checks_on(*, user: User, contact: Contact) -> list[AgencyCheck]:
    if not can_screen(user):
        return []
    return list(
        AgencyCheck.objects.filter(contact=contact).select_related(
            "agency", "requested_by", "answered_by", "consent_given_by", "reviewed_by"
        )
    )


def checks_for_member(*, user: User) -> QuerySet[AgencyCheck]:
    """The checks addressed to the member's own agency: waiting ones first, the
    longest waiting on top, then answered ones, the latest answer first. Each
    carries ``closed``: it is about a record restricted to people other than the
    member, so a list shows only that it waits and whom to ask."""
    if not user.has_perm(Permission.ANSWER_AGENCY_CHECKS.perm) or not user.agency_id:
        return AgencyCheck.objects.none()
    return (
        AgencyCheck.objects.filter(agency_id=user.agency_id, status__in=SENT_STATUSES)
        .annotate(closed=referral_selectors.closed_to(user, "contact_id"))
        .select_related("contact", "requested_by", "answered_by", "consent_given_by", "reviewed_by")
        .prefetch_related(
            # The people the question is about, adults included (the member's page
            # shows both; the list, the children): nothing from their records.
            Prefetch(
                "contact__subjects",
                queryset=ContactSubject.objects.filter(role__in=ContactSubject.CHILD_ROLES),
                to_attr="child_subjects",
            ),
            Prefetch(
                "contact__subjects",
                queryset=ContactSubject.objects.exclude(role__in=ContactSubject.CHILD_ROLES),
                to_attr="adult_subjects",
            ),
        )
        .order_by(
            # Spelled out: the status values sort "answered" before "pending".
            Case(When(status=AgencyCheck.Status.PENDING, then=0), default=1),
            F("answered_at").desc(nulls_last=True),
            "sent_at",
        )
    )


def checks_overdue(*, now: datetime | None = None) -> QuerySet[AgencyCheck]:
    """Checks overdue at ``now`` (``AgencyCheck``'s ``answer_overdue``, the one rule), for
    the alerts' scan and any count of them (unscoped: callers that list them for a person
    scope them as ``checks_for_member`` does)."""
    return AgencyCheck.objects.filter(answer_overdue(now or timezone.now()))


def check_get_for_member(*, user: User, check_id: int) -> AgencyCheck:
    """The check, for answering: 404 when it is not for the member's agency, and the
    restricted-record refusal when it is about a record not open to them."""
    try:
        check = checks_for_member(user=user).get(pk=check_id)
    except AgencyCheck.DoesNotExist:
        raise Http404("No check found") from None
    referral_selectors.contact_ensure_open(user=user, contact=check.contact)
    return check


def checks_awaiting_approval(*, user: User) -> QuerySet[AgencyCheck]:
    """Checks without consent held for a manager, the longest waiting first; each
    carries ``closed`` (its contact is restricted to others), for the list to leave
    out everything but the reference."""
    if not can_approve(user):
        return AgencyCheck.objects.none()
    return (
        AgencyCheck.objects.filter(status=AgencyCheck.Status.AWAITING_APPROVAL)
        .annotate(closed=referral_selectors.closed_to(user, "contact_id"))
        .select_related("contact", "agency", "requested_by")
        .order_by("requested_at", "pk")
    )


def check_get_for_approval(*, user: User, check_id: int) -> AgencyCheck:
    """A check waiting for approval, to read and approve or refuse: 404 when there is
    none, the restricted-record refusal when its contact is not open to this manager."""
    try:
        check = checks_awaiting_approval(user=user).get(pk=check_id)
    except AgencyCheck.DoesNotExist:
        raise Http404("No check found") from None
    referral_selectors.contact_ensure_open(user=user, contact=check.contact)
    return check


def restricted_asks(*, user: User, rows: Iterable) -> dict[int, User]:
    """For rows with a ``contact_id`` whose contact is restricted to others: contact
    id to whom to ask, in one query."""
    barring = referral_selectors.restrictions_barring_contacts(
        user=user, contact_ids={row.contact_id for row in rows}
    )
    return {contact_id: restriction.ask for contact_id, restriction in barring.items()}


def check_document_get(*, user: User, check_id: int, document_id: int):
    """A file shared with a check, for its agency's member: ``check_get_for_member`` (404
    for another agency's check, the restricted-record refusal), then one of the files the
    screener shared on it, scanned clean; 404 alike for any other."""
    check = check_get_for_member(user=user, check_id=check_id)
    document = check.shared_documents.filter(pk=document_id, scan_state="clean").first()
    if document is None:
        raise Http404("No file found")
    document.contact = check.contact
    return check, document
