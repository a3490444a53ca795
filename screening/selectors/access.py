"""Who may screen and approve, and opening a contact's screening. Who may screen is
``referrals.selectors.can_screen``, the one definition, imported here so the
package's callers keep ``selectors.can_screen``."""

from __future__ import annotations

from django.http import Http404

from frontdoor.models import User
from frontdoor.roles import Permission
from referrals import selectors as referral_selectors
from referrals.models import Contact
from referrals.selectors import can_screen
from screening.models import Screening


def can_approve(user: User) -> bool:
    return user.is_authenticated and user.has_perm(Permission.APPROVE_DECISIONS.perm)


def screening_get(*, user: User, reference: str) -> tuple[Contact, Screening | None]:
    if not can_screen(user):
        raise Http404("No contact found")
    # The screening pages do not offer matching: the contact without its likely matches.
    contact = referral_selectors.contact_get(user=user, reference=reference, candidates=False)
    screening = Screening.objects.select_related("assigned_to").filter(contact=contact).first()
    return contact, screening
