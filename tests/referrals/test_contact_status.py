"""A contact moves through its workflow only as referrals.models.STATUS_MOVES allows,
by one guarded service: an illegal move is refused, and of two moves made at once
from the same status only one happens."""

import threading

import pytest
from django.db import connection, transaction

from referrals.models import STATUS_MOVES, Contact
from referrals.services import ContactStatusRefused, contact_status_move
from tests.factories import submit_contact

S = Contact.Status


def _awaiting_approval(referrer) -> Contact:
    contact = submit_contact(referrer)
    contact_status_move(contact=contact, to=S.IN_SCREENING)
    contact_status_move(contact=contact, to=S.AWAITING_APPROVAL)
    return contact


@pytest.mark.django_db
def test_every_status_is_in_the_table():
    assert set(STATUS_MOVES) == set(S.values)
    assert all(set(moves) <= set(S.values) for moves in STATUS_MOVES.values())


@pytest.mark.django_db
def test_an_illegal_move_is_refused_and_changes_nothing(referrer):
    contact = submit_contact(referrer)

    with pytest.raises(ContactStatusRefused, match="cannot move from Received to Decided"):
        contact_status_move(contact=contact, to=S.DECIDED)

    contact.refresh_from_db()
    assert contact.status == S.RECEIVED


@pytest.mark.django_db
def test_a_closed_contact_never_moves(referrer):
    from referrals.models import Contact as C

    advice = submit_contact(referrer, channel=C.Channel.PHONE_CONSULTATION, advice_only=True)
    assert advice.status == S.CLOSED
    for status in S.values:
        with pytest.raises(ContactStatusRefused):
            contact_status_move(contact=advice, to=status)


@pytest.mark.django_db
def test_a_legal_move_is_made_and_seen_on_the_object(referrer):
    contact = _awaiting_approval(referrer)

    contact_status_move(contact=contact, to=S.DECIDED)

    assert contact.status == S.DECIDED
    assert Contact.objects.get(pk=contact.pk).status == S.DECIDED


@pytest.mark.django_db(transaction=True)
def test_two_moves_at_once_cannot_both_succeed(referrer):
    """A manager approves while another returns the same decision: whichever the
    database takes first wins, and the other is refused, not silently applied."""
    contact = _awaiting_approval(referrer)
    barrier = threading.Barrier(2)
    moved, refused, errors = [], [], []

    def move(to):
        try:
            read = Contact.objects.get(pk=contact.pk)  # each reads it awaiting approval
            barrier.wait()
            with transaction.atomic():
                contact_status_move(contact=read, to=to)
            moved.append(to)
        except ContactStatusRefused:
            refused.append(to)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=move, args=(to,)) for to in (S.DECIDED, S.IN_SCREENING)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(moved) == 1
    assert len(refused) == 1
    assert Contact.objects.get(pk=contact.pk).status == moved[0]
