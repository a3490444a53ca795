"""The scorecard's re-referral and repeat-contact counts follow a merge: they key on
person records through each contact's people, so once a duplicate is merged the kept
record's contacts are one child's history, and an unmerge splits them again. Counted
through the scorecard's selector, as a steering group's page does."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from outcomes.scorecard.periods import Period
from outcomes.scorecard.selectors import scorecard_get
from referrals import services
from referrals.models import ContactSubject
from screening.models import Route
from tests.factories import child_input, referral_contact

pytestmark = pytest.mark.django_db

Q3 = Period.parse("2026-Q3")


def _child(contact):
    return contact.subjects.get(role=ContactSubject.Role.CHILD)


def _counts(manager) -> tuple[tuple[int, int], tuple[int, int]]:
    figures = scorecard_get(user=manager, period=Q3).figures
    return tuple(
        (figures[key].count, figures[key].base) for key in ("re_referrals", "repeat_not_progressed")
    )


def test_re_referrals_and_repeat_contacts_follow_a_merge_and_its_undoing(
    referrer, screener, manager
):
    # July: a referral about Amelia (record A). August: early help for "Amelie
    # Harrisson", made a new record (B) by the screener. September: a referral about B.
    def contact(day, route, **child):
        return referral_contact(
            screener=screener,
            manager=manager,
            referrer=referrer,
            received_at=datetime(2026, *day, 10, tzinfo=UTC),
            subjects=[child_input(**child)],
            route=route,
        )

    first = contact((7, 10), Route.STRATEGY_DISCUSSION)
    second_child = dict(first_name="Amelie", last_name="Harrisson")
    second = referral_contact(
        screener=screener,
        manager=manager,
        referrer=referrer,
        received_at=datetime(2026, 8, 20, 10, tzinfo=UTC),
        subjects=[child_input(**second_child)],
        route=Route.EARLY_HELP,
    )
    # The screener takes neither likely match for August's child (a new record, B),
    # and matches September's child to B.
    services.match_reject_all(actor=screener, subject=_child(second))
    b = _child(second).person
    third = contact((9, 10), Route.STRATEGY_DISCUSSION, **second_child)
    services.match_confirm(actor=screener, candidate=_child(third).match_candidates.get(person=b))
    a = _child(first).person
    assert a.pk != b.pk
    assert _child(third).person_id == b.pk

    # Apart: B's September referral had no referral before it (its August contact was
    # early help); B came back after August's early help with September's referral
    # (counted forward, so the merge does not change it: see the test below).
    assert _counts(manager) == ((0, 2), (1, 1))

    merge = services.person_merge(
        actor=manager, kept=a, merged=b, reason="Same child: school confirmed the spelling."
    )
    # One child: September follows July's referral.
    assert _counts(manager) == ((1, 2), (1, 1))

    services.person_unmerge(actor=manager, merge=merge, reason="Two children: cousins.")
    assert _counts(manager) == ((0, 2), (1, 1))


def test_a_child_who_came_back_as_a_duplicate_record_counts_once_merged(
    referrer, screener, manager
):
    """Counted forward by the standing person record: July's early help for Amelia (A)
    is followed in August by a contact about "Amelie Harrisson", made a new record (B)."""
    july = referral_contact(
        screener=screener,
        manager=manager,
        referrer=referrer,
        received_at=datetime(2026, 7, 10, 10, tzinfo=UTC),
        subjects=[child_input()],
        route=Route.EARLY_HELP,
    )
    august = referral_contact(
        screener=screener,
        manager=manager,
        referrer=referrer,
        received_at=datetime(2026, 8, 20, 10, tzinfo=UTC),
        subjects=[child_input(first_name="Amelie", last_name="Harrisson")],
        route=Route.STRATEGY_DISCUSSION,
    )
    services.match_reject_all(actor=screener, subject=_child(august))
    a, b = _child(july).person, _child(august).person
    assert a.pk != b.pk

    def repeats():
        figure = scorecard_get(user=manager, period=Q3).figures["repeat_not_progressed"]
        return figure.count, figure.base

    assert repeats() == (0, 1)  # A never came back
    merge = services.person_merge(
        actor=manager, kept=a, merged=b, reason="Same child: school confirmed the spelling."
    )
    assert repeats() == (1, 1)  # one child, back in August
    services.person_unmerge(actor=manager, merge=merge, reason="Two children: cousins.")
    assert repeats() == (0, 1)
