"""Warnings on a person record: setting one with its evidence and review date,
reviewing it (a new review date and a note), and ending it with a reason. Nothing
here deletes a warning: an ended one stays on the record with who ended it and why."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from frontdoor.audit import audit_record
from frontdoor.limits import LIMITS
from frontdoor.models import AuditEvent, User
from frontdoor.roles import Permission
from referrals.models import (
    WARNING_EVIDENCE_MIN_LENGTH,
    WARNING_NOTE_MIN_LENGTH,
    Person,
    PersonWarning,
    PersonWarningReview,
    WarningKind,
)
from referrals.selectors import person_ensure_open

# How far ahead a review date may be set: a warning nobody looks at for over a year
# is one nobody can vouch for.
WARNING_REVIEW_AT_MOST = timedelta(days=366)
# How soon before its review date a warning appears on the managers' review page.
WARNING_REVIEW_NOTICE = timedelta(days=14)


class WarningRefused(Exception):
    """The warning cannot be set or changed; the message says why."""


def may_set_warnings(user: User) -> bool:
    """Screeners and managers: the staff who screen the contacts people appear on."""
    return user.is_authenticated and user.has_perm(Permission.SCREEN_CONTACTS.perm)


def _require_staff(actor: User, person: Person) -> None:
    if not may_set_warnings(actor):
        raise WarningRefused("Only screeners and managers can set, review or end a warning.")
    # The views reach the person through person_get; this is the second line of
    # defence for any other caller: a restricted person's warnings are changed only by
    # those the restriction names (frontdoor.errors.RecordRestricted otherwise).
    person_ensure_open(user=actor, person=person)


def _text(value: str, *, noun: str, limit: int, at_least: int = 1) -> str:
    value = value.strip()
    if "\x00" in value:
        raise WarningRefused(f"The {noun} contains a character that cannot be saved.")
    if len(value) < at_least:
        raise WarningRefused(f"Enter the {noun}.")
    if len(value) > limit:
        raise WarningRefused(
            f"The {noun} must be {limit:,} characters or fewer (it has {len(value):,})."
        )
    return value


def _check_review_due(review_due: date) -> None:
    today = timezone.localdate()
    if review_due <= today:
        raise WarningRefused("The review date must be in the future.")
    if review_due > today + WARNING_REVIEW_AT_MOST:
        raise WarningRefused("The review date must be within a year.")


def _audit(actor: User, warning: PersonWarning, what: str, **detail) -> None:
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        record_type="person",
        record_id=warning.person_id,
        via=f"referrals.warning_{what}",
        detail={"warning": warning.pk, "kind": warning.kind, **detail},
    )


@transaction.atomic
def warning_set(
    *, actor: User, person: Person, kind: str, evidence: str, review_due: date
) -> PersonWarning:
    """Put a warning on a person record, with what it rests on and when to look again."""
    _require_staff(actor, person)
    if kind not in WarningKind.values:
        raise WarningRefused("Choose what kind of warning it is.")
    evidence = _text(
        evidence, noun="evidence", limit=LIMITS.reason, at_least=WARNING_EVIDENCE_MIN_LENGTH
    )
    _check_review_due(review_due)
    warning = PersonWarning.objects.create(
        person=person,
        kind=kind,
        evidence=evidence,
        set_by=actor,
        set_at=timezone.now(),
        review_due=review_due,
        first_review_due=review_due,
    )
    _audit(actor, warning, "set", review_due=review_due.isoformat())
    return warning


def _active_for_update(warning: PersonWarning) -> PersonWarning:
    try:
        return PersonWarning.objects.select_for_update().get(pk=warning.pk, ended_at=None)
    except PersonWarning.DoesNotExist:
        raise WarningRefused("This warning has already been ended.") from None


@transaction.atomic
def warning_review(
    *, actor: User, warning: PersonWarning, review_due: date, note: str
) -> PersonWarning:
    """Keep a warning after looking at it again: the next review date and why it
    still stands, kept as a review row of its own (every review stays); the warning
    carries the latest for its page."""
    _require_staff(actor, warning.person)
    warning = _active_for_update(warning)
    note = _text(note, noun="note", limit=LIMITS.reason, at_least=WARNING_NOTE_MIN_LENGTH)
    _check_review_due(review_due)
    warning.review_due, warning.review_note = review_due, note
    warning.reviewed_at, warning.reviewed_by = timezone.now(), actor
    warning.save(update_fields=["review_due", "review_note", "reviewed_at", "reviewed_by"])
    PersonWarningReview.objects.create(
        warning=warning,
        reviewed_at=warning.reviewed_at,
        reviewed_by=actor,
        review_due=review_due,
        note=note,
    )
    _audit(actor, warning, "reviewed", review_due=review_due.isoformat())
    return warning


@transaction.atomic
def warning_end(*, actor: User, warning: PersonWarning, reason: str) -> PersonWarning:
    """End a warning that no longer applies; it stays on the record, ended."""
    _require_staff(actor, warning.person)
    warning = _active_for_update(warning)
    warning.end_reason = _text(
        reason, noun="reason", limit=LIMITS.reason, at_least=WARNING_NOTE_MIN_LENGTH
    )
    warning.ended_at, warning.ended_by = timezone.now(), actor
    warning.save(update_fields=["end_reason", "ended_at", "ended_by"])
    _audit(actor, warning, "ended")
    return warning
