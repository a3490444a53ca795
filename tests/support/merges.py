"""Two records of one child, as intake makes them, for the merge tests: the child on a
first contact (record A) and again, misspelt, on a second (record B, because the
screener did not take the likely match), with the mother confirmed on both, a man in
the household, a warning with a review and a restriction on B, a relationship between
A and B themselves, and a third contact whose child is offered both records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from frontdoor.models import User
from referrals import services
from referrals.models import (
    Contact,
    ContactSubject,
    MatchCandidate,
    Person,
    PersonMerge,
    PersonWarning,
    PersonWarningReview,
    Relationship,
    Restriction,
    WarningKind,
)
from tests.factories import adult_input, child_input, submit_contact

NHS_B = "4010232137"
NHS_OTHER = "4857773457"

# Every table a merge writes to (the restriction's named people included): a merge
# then an unmerge must leave each exactly as it was.
TABLES = [
    Person,
    ContactSubject,
    Relationship,
    PersonWarning,
    PersonWarningReview,
    Restriction,
    Restriction.allowed.through,
    MatchCandidate,
]


def every_row() -> dict[str, list[dict]]:
    return {model._meta.label: list(model.objects.order_by("pk").values()) for model in TABLES}


@dataclass
class Duplicates:
    a: Person
    b: Person
    mother: Person
    lodger: Person
    contacts: list[Contact]
    warning: PersonWarning
    restriction: Restriction
    between: Relationship


def duplicates(*, referrer: User, screener: User, manager: User) -> Duplicates:
    first = submit_contact(referrer, subjects=[child_input(), adult_input()])
    a = first.subjects.get(role=ContactSubject.Role.CHILD).person
    mother = first.subjects.get(role=ContactSubject.Role.PARENT).person
    second = submit_contact(
        referrer,
        subjects=[
            child_input(last_name="Harrisson", nhs_number=NHS_B),
            adult_input(),
            adult_input(
                first_name="Kyle",
                last_name="Mercer",
                role=ContactSubject.Role.HOUSEHOLD_MEMBER,
                relationship_to_children="Lodger",
            ),
        ],
    )
    for subject in second.subjects.filter(match_status=ContactSubject.MatchStatus.UNMATCHED):
        if subject.role == ContactSubject.Role.PARENT:
            services.match_confirm(
                actor=screener, candidate=subject.match_candidates.get(person=mother)
            )
        else:
            services.match_reject_all(actor=screener, subject=subject)
    b = second.subjects.get(role=ContactSubject.Role.CHILD).person
    lodger = second.subjects.get(first_name="Kyle").person
    assert b.pk != a.pk
    assert b.nhs_number == NHS_B
    third = submit_contact(referrer, subjects=[child_input()])
    offered = set(third.subjects.get().match_candidates.values_list("person_id", flat=True))
    assert offered == {a.pk, b.pk}
    warning = services.warning_set(
        actor=screener,
        person=b,
        kind=WarningKind.MARAC,
        evidence="Discussed at MARAC on 3 March: mother's ex-partner.",
        review_due=timezone.localdate() + timedelta(days=30),
    )
    services.warning_review(
        actor=screener,
        warning=warning,
        review_due=timezone.localdate() + timedelta(days=60),
        note="Still open at MARAC.",
    )
    restriction = services.restriction_add(
        actor=manager,
        reason="A member of staff's family.",
        ask=manager,
        allowed=[screener],
        review_due=timezone.localdate() + timedelta(days=30),
        person=b,
    )
    # Recorded as sisters by mistake: the merge must not join the record to itself.
    between = Relationship.objects.create(
        person=a,
        relative=b,
        kind=Relationship.Kind.SIBLING,
        basis=Relationship.Basis.SUGGESTED,
        recorded_by=screener,
        recorded_at=timezone.now(),
    )
    return Duplicates(
        a=a,
        b=b,
        mother=mother,
        lodger=lodger,
        contacts=[first, second, third],
        warning=warning,
        restriction=restriction,
        between=between,
    )


def merge(actor: User, kept: Person, merged: Person, reason: str = "") -> PersonMerge:
    return services.person_merge(
        actor=actor,
        kept=kept,
        merged=merged,
        reason=reason or "Same child: the school confirmed the date of birth and address.",
    )


def moved(merge: PersonMerge, what: str) -> set[int]:
    return set(merge.moves.filter(what=what).values_list("row_id", flat=True))
