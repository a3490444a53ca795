"""Who may screen and approve, and opening a contact's screening."""

from __future__ import annotations

from django.http import Http404

from frontdoor.models import User
from frontdoor.roles import Permission
from referrals import selectors as referral_selectors
from referrals.models import Contact
from screening.models import Screening


def can_screen(user: User) -> bool:
    return user.is_authenticated and user.has_perm(Permission.SCREEN_CONTACTS.perm)


def can_approve(user: User) -> bool:
    return user.is_authenticated and user.has_perm(Permission.APPROVE_DECISIONS.perm)


def screening_get(*, user: User, reference: str) -> tuple[Contact, Screening | None]:
    if not can_screen(user):
        raise Http404("No contact found")
    contact = referral_selectors.contact_get(user=user, reference=reference)
    screening = Screening.objects.select_related("assigned_to").filter(contact=contact).first()
    return contact, screening
