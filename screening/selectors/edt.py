"""Reads for the emergency duty team (docs/adr/0044): its own out-of-hours work, and
the one access function for a contact it recorded. The EDT sees the contacts it
recorded out of hours and nothing else: not the queue, not other contacts."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from frontdoor.models import User
from frontdoor.roles import is_out_of_hours_recorder
from referrals import selectors as referral_selectors
from referrals.models import Contact, OutOfHoursHandover


def can_record_out_of_hours(user: User) -> bool:
    return is_out_of_hours_recorder(user)


def edt_work(*, user: User) -> QuerySet[Contact]:
    """The contacts this EDT member recorded out of hours, newest first, with their
    handovers (none for someone without the role)."""
    if not can_record_out_of_hours(user):
        return Contact.objects.none()
    return (
        referral_selectors.contacts_visible_to(user=user)
        .filter(out_of_hours=True, recorded_by=user)
        .select_related("handover")
        .prefetch_related("subjects")
        .order_by("-received_at", "-pk")
    )


def edt_contact_get(*, user: User, reference: str) -> Contact:
    """A contact this EDT member recorded out of hours, for its handover: 404 alike
    for a contact missing, not out of hours, or recorded by someone else. Reached
    even when a child on it is linked to a restricted record: whoever made a contact
    may always read it (``contact_get``'s rule, ``made_by``)."""
    if not can_record_out_of_hours(user):
        raise Http404("No contact found")
    contact = referral_selectors.contact_get(user=user, reference=reference, candidates=False)
    if not contact.out_of_hours or contact.recorded_by_id != user.pk:
        raise Http404("No contact found")
    return contact


def handover_of(contact: Contact) -> OutOfHoursHandover | None:
    return OutOfHoursHandover.objects.filter(contact=contact).select_related("recorded_by").first()
