"""What social care is still doing with each person in a contact's family: an
assessment under way, a section 47 enquiry, a child protection plan. Provided to the
screening contact page's family panel through ``frontdoor.page_parts.SCREENING_FAMILY``
(docs/adr/0021): screening cannot read outcome rows itself.

Work is open on an earlier contact until social care records the case closed, or an
assessment ends in no further action with nothing else running. One query however many
people and however long their histories.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from frontdoor.models import User
from outcomes.models import DownstreamOutcome
from referrals import selectors as referral_selectors
from referrals.models import Contact

Event = DownstreamOutcome.Event
Outcome = DownstreamOutcome.AssessmentOutcome


@dataclass(frozen=True)
class OpenWork:
    reference: str
    what: str  # in words; empty when the contact is restricted to others
    since: date | None
    restricted: bool


def _state(events: list[dict]) -> tuple[str, date] | None:
    """The most serious work still open on one contact for one person, from its
    events in the order they happened; None when nothing is open."""
    seen: dict[str, dict] = {}
    for event in events:
        seen[event["event"]] = event
    if Event.CASE_CLOSED in seen:
        return None
    if Event.CP_PLAN in seen:
        return "Child protection plan", seen[Event.CP_PLAN]["occurred_on"]
    if Event.ICPC in seen:
        return "Initial child protection conference held", seen[Event.ICPC]["occurred_on"]
    if Event.S47_ENQUIRY in seen and Event.ICPC_NOT_REQUIRED not in seen:
        return "Section 47 enquiry", seen[Event.S47_ENQUIRY]["occurred_on"]
    if Event.STRATEGY_DISCUSSION in seen and Event.ICPC_NOT_REQUIRED not in seen:
        return "Strategy discussion held", seen[Event.STRATEGY_DISCUSSION]["occurred_on"]
    completed = seen.get(Event.ASSESSMENT_COMPLETED)
    if completed is not None:
        words = {
            Outcome.CHILD_IN_NEED: "Child in need",
            Outcome.CHILD_PROTECTION: "Child protection (after assessment)",
            Outcome.LOOKED_AFTER: "Looked after",
        }.get(completed["assessment_outcome"])
        return (words, completed["occurred_on"]) if words else None
    if Event.ASSESSMENT_STARTED in seen:
        return "Child and family assessment under way", seen[Event.ASSESSMENT_STARTED][
            "occurred_on"
        ]
    return None


def open_work_of(
    *, user: User, contact: Contact, person_ids: Iterable[int]
) -> dict[int, list[OpenWork]]:
    """For each person, by id, the work still open on other contacts they were on,
    newest first: screening staff only."""
    if not referral_selectors.can_screen(user):
        return {}
    rows = (
        DownstreamOutcome.objects.filter(subject__person_id__in=list(person_ids))
        .exclude(contact_id=contact.pk)
        .annotate(restricted=referral_selectors.closed_to(user, "contact_id"))
        .values(
            "subject__person_id",
            "contact_id",
            "contact__reference",
            "contact__received_at",
            "event",
            "occurred_on",
            "assessment_outcome",
            "restricted",
        )
        .order_by("subject__person_id", "-contact__received_at", "contact_id", "occurred_on", "pk")
    )
    grouped: dict[tuple[int, int], list[dict]] = {}
    for row in rows:
        grouped.setdefault((row["subject__person_id"], row["contact_id"]), []).append(row)
    work: dict[int, list[OpenWork]] = {}
    for (person_id, _), events in grouped.items():
        state = _state(events)
        if state is None:
            continue
        restricted = events[0]["restricted"]
        work.setdefault(person_id, []).append(
            OpenWork(
                reference=events[0]["contact__reference"],
                what="" if restricted else state[0],
                since=None if restricted else state[1],
                restricted=restricted,
            )
        )
    return work


def screening_family_parts(*, user: User, contact: Contact, person_ids: list[int]) -> dict:
    """What the family panel shows of outcomes (``frontdoor.page_parts``)."""
    return {"family_work": open_work_of(user=user, contact=contact, person_ids=person_ids)}
