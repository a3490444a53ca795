"""Reads for family letters: the print batches for managers, one batch by the access
function every batch view uses, and a contact's letters for its page."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.timezone import localtime

from frontdoor.models import User
from frontdoor.roles import Permission
from outcomes.models import Letter, PrintBatch
from referrals import selectors as referral_selectors
from referrals.models import Contact

State = Letter.State


def may_print_letters(user: User) -> bool:
    return user.has_perm(Permission.APPROVE_DECISIONS.perm)


def print_batches_for(*, user: User) -> QuerySet[PrintBatch]:
    """Every batch, newest first, with how many of its letters are in each state and
    how many are on contacts closed to ``user``: managers only."""
    if not may_print_letters(user):
        raise PermissionDenied
    closed = referral_selectors.closed_to(user, "letters__contact_id")
    return PrintBatch.objects.select_related("first_downloaded_by").annotate(
        total=Count("letters"),
        to_print=Count("letters", filter=Q(letters__state=State.TO_PRINT)),
        printed=Count("letters", filter=Q(letters__state=State.PRINTED)),
        posted=Count("letters", filter=Q(letters__state=State.POSTED)),
        closed=Count("letters", filter=Q(closed)),
    )


def print_batch_get(*, user: User, batch_id: int) -> PrintBatch:
    """One batch, for managers (403 for anyone else; 404 for none)."""
    try:
        return print_batches_for(user=user).get(pk=batch_id)
    except PrintBatch.DoesNotExist:
        raise Http404("No print batch found") from None


def letters_waiting() -> int:
    """Letters made but not yet in a batch: they join the next gathering."""
    return Letter.objects.filter(batch__isnull=True, state=State.TO_PRINT).count()


@dataclass(frozen=True)
class LetterOnContact:
    letter: Letter
    words: str  # the state in words, with when


def letters_on(*, user: User, contact: Contact) -> list[LetterOnContact]:
    """The printed letters of a contact the caller opened with ``contact_get``, oldest
    first, each with its state in words: screening staff only."""
    if not referral_selectors.can_screen(user):
        return []
    found = []
    for letter in (
        Letter.objects.filter(contact=contact).select_related("notice", "batch").order_by("pk")
    ):
        if letter.state == State.POSTED:
            words = f"Posted on {localtime(letter.posted_at):%-d %B %Y}"
        elif letter.state == State.PRINTED:
            words = f"Printed on {localtime(letter.printed_at):%-d %B %Y}, waiting to be posted"
        elif letter.batch is not None:
            words = f"To print: in the print batch of {letter.batch.label}"
        else:
            words = "To print: it joins the next print batch within the hour"
        found.append(LetterOnContact(letter, words))
    return found
