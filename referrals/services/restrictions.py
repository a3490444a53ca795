"""Restricting a contact or person record to named people, and reviewing and
lifting it."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from frontdoor.audit import audit_record
from frontdoor.limits import LIMITS
from frontdoor.models import AuditEvent, User
from frontdoor.roles import Permission
from referrals.models import Contact, Person, Restriction

RESTRICTION_REVIEW_EVERY = timedelta(days=91)


class RestrictionRefused(Exception):
    """The restriction cannot be made or changed; the message says why."""


class RestrictionNotNamed(RestrictionRefused):
    """The actor is not named on the restriction, so may not review or lift it."""

    def __init__(self, restriction: Restriction, what: str):
        super().__init__(f"Only the people named on a restriction can {what} it.")
        self.restriction = restriction
        self.what = what


def _require_manager(actor: User) -> None:
    if not actor.has_perm(Permission.APPROVE_DECISIONS.perm):
        raise RestrictionRefused("Only a manager can restrict a record or lift a restriction.")


def restriction_add_on_receipt(
    *, actor: User, contact: Contact, reason: str, allowed: list[User]
) -> Restriction:
    """Restrict a specialist pathway's contact as it is recorded, by its pathway's rule
    (a LADO allegation: to the LADO role and managers, docs/adr/0046), whoever records
    it: the same restriction a manager makes, named people and all, so every list and
    page that hides restricted records hides it. The recorder is named and asked."""
    if not contact.pathway:
        raise RestrictionRefused("Only a specialist pathway's contact is restricted on receipt.")
    restriction = Restriction.objects.create(
        contact=contact,
        reason=reason,
        ask=actor,
        created_by=actor,
        review_due=timezone.localdate() + RESTRICTION_REVIEW_EVERY,
    )
    restriction.allowed.set({*allowed, actor})
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        record_type="contact",
        record_id=contact.reference,
        via="referrals.restriction_add_on_receipt",
        detail={
            "restriction": restriction.pk,
            "allowed": sorted(u.pk for u in restriction.allowed.all()),
        },
    )
    return restriction


@transaction.atomic
def restriction_add(
    *,
    actor: User,
    reason: str,
    ask: User,
    allowed: list[User],
    review_due: date,
    contact: Contact | None = None,
    person: Person | None = None,
) -> Restriction:
    """Restrict a contact or a person record to the named people (and whom to ask)."""
    _require_manager(actor)
    if (contact is None) == (person is None):
        raise RestrictionRefused("Restrict one record: a contact or a person.")
    if len(reason.strip()) < 10:
        raise RestrictionRefused("Say why the record is restricted.")
    if review_due <= timezone.localdate():
        raise RestrictionRefused("The review date must be in the future.")
    restriction = Restriction.objects.create(
        contact=contact,
        person=person,
        reason=reason.strip(),
        ask=ask,
        created_by=actor,
        review_due=review_due,
    )
    restriction.allowed.set({*allowed, actor, ask})
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        record_type="contact" if contact else "person",
        record_id=contact.reference if contact else person.pk,
        via="referrals.restriction_add",
        detail={
            "restriction": restriction.pk,
            "allowed": sorted(u.pk for u in restriction.allowed.all()),
        },
    )
    return restriction


def _active_for_update(restriction: Restriction) -> Restriction:
    return (
        Restriction.objects.select_for_update(of=("self",))
        .select_related("contact", "ask")
        .get(pk=restriction.pk, lifted_at=None)
    )


@transaction.atomic
def restriction_review(*, actor: User, restriction: Restriction) -> Restriction:
    """Keep a restriction after review; the next review is three months on. Only a
    manager named on it knows why it was made, so only they can judge it still needed."""
    _require_manager(actor)
    restriction = _active_for_update(restriction)
    if not restriction.opens_for(actor):
        raise RestrictionNotNamed(restriction, "review")
    restriction.reviewed_at = timezone.now()
    restriction.review_due = timezone.localdate() + RESTRICTION_REVIEW_EVERY
    restriction.save(update_fields=["reviewed_at", "review_due"])
    _audit_restriction(actor, restriction, "reviewed")
    return restriction


@transaction.atomic
def restriction_lift(*, actor: User, restriction: Restriction, reason: str = "") -> Restriction:
    """Lift a restriction: a manager named on it, or a head of service (a manager with
    ``lift_any_restriction``) who says why, for when the named people have left or
    cannot be reached. The reason is kept on the restriction and in its history."""
    _require_manager(actor)
    restriction = _active_for_update(restriction)
    named = restriction.opens_for(actor)
    if not named:
        if not actor.has_perm(Permission.LIFT_ANY_RESTRICTION.perm):
            raise RestrictionNotNamed(restriction, "lift")
        if len(reason.strip()) < 10:
            raise RestrictionRefused("Say why you are lifting a restriction you are not named on.")
    if len(reason) > LIMITS.reason:
        raise RestrictionRefused(
            f"The reason must be {LIMITS.reason:,} characters or fewer (it has {len(reason):,})."
        )
    restriction.lifted_at, restriction.lifted_by = timezone.now(), actor
    restriction.lift_reason = reason.strip()
    restriction.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    _audit_restriction(actor, restriction, "lifted", named=named)
    return restriction


def _audit_restriction(actor: User, restriction: Restriction, what: str, **detail) -> None:
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        record_type="contact" if restriction.contact_id else "person",
        record_id=restriction.contact.reference
        if restriction.contact_id
        else restriction.person_id,
        via=f"referrals.restriction_{what}",
        detail={"restriction": restriction.pk, **detail},
    )


def restrictions_due_count(*, on: date | None = None) -> int:
    """How many restrictions are due for review (for the daily job and managers' home)."""
    return Restriction.objects.filter(
        lifted_at__isnull=True, review_due__lte=on or timezone.localdate()
    ).count()
