"""Why a contact comes to the complex-case meeting.

Rules and thresholds come from ``settings.COMPLEX_CASE_RULES`` (and the police
cumulative rule's from ``POLICE_CUMULATIVE_*``); each reason is a
sentence the meeting reads. Evaluated over all open contacts in a fixed number of
queries, whatever their count.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.conf import settings

from frontdoor.london import twelve_months_before
from referrals.models import ConcernCategory, Contact, ContactSubject
from referrals.selectors_police import cumulative_flags

TWENTY_EIGHT_DAYS = timedelta(days=28)


def _ordinal(n: int) -> str:
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(n, f"{n}th")


def reasons_for(contacts: list[Contact]) -> dict[int, list[str]]:
    """Reasons each contact meets the rules (contacts meeting none are left out).

    ``contacts`` should have ``screening`` selected where it exists.
    """
    rules = settings.COMPLEX_CASE_RULES
    categories = dict(ConcernCategory.choices)
    reasons: dict[int, list[str]] = defaultdict(list)
    by_id = {contact.pk: contact for contact in contacts}
    for contact in contacts:
        screening = getattr(contact, "screening", None)
        if screening is not None and screening.complex_flag:
            reasons[contact.pk].append(f"Flagged by a screener: {screening.complex_reason}")
        if (
            screening is not None
            and screening.scaling is not None
            and screening.scaling <= rules["scaling_at_or_below"]
        ):
            reasons[contact.pk].append(
                f"Scaling score {screening.scaling} (at or below {rules['scaling_at_or_below']})"
            )
        for category in contact.concern_categories:
            if category in rules["concern_categories"]:
                reasons[contact.pk].append(f"Concern: {categories[category].lower()}")

    children = list(
        ContactSubject.objects.filter(
            contact_id__in=by_id, role__in=ContactSubject.CHILD_ROLES, person__isnull=False
        ).values("contact_id", "person_id", "first_name", "last_name")
    )
    history: dict[int, list[tuple]] = defaultdict(list)
    for appearance in ContactSubject.objects.filter(
        person_id__in={child["person_id"] for child in children},
        role__in=ContactSubject.CHILD_ROLES,
    ).values("person_id", "contact_id", "contact__received_at", "contact__source_agency_id"):
        history[appearance["person_id"]].append(
            (
                appearance["contact_id"],
                appearance["contact__received_at"],
                appearance["contact__source_agency_id"],
            )
        )
    for child in children:
        contact = by_id[child["contact_id"]]
        name = f"{child['first_name']} {child['last_name']}"
        received = contact.received_at
        earlier_year = {
            cid
            for cid, at, _ in history[child["person_id"]]
            if twelve_months_before(received) <= at <= received
        }
        if len(earlier_year) >= rules["contacts_in_12_months"]:
            reasons[contact.pk].append(
                f"{_ordinal(len(earlier_year))} contact about {name} in 12 months"
            )
        agencies = {
            agency
            for _, at, agency in history[child["person_id"]]
            if agency is not None and received - TWENTY_EIGHT_DAYS <= at <= received
        }
        if len(agencies) >= rules["agencies_in_28_days"]:
            reasons[contact.pk].append(f"{len(agencies)} agencies worried about {name} in 28 days")
    # The police cumulative rule (docs/adr/0037), its one definition.
    for contact_id, flags in cumulative_flags(contacts).items():
        reasons[contact_id].extend(f"Cumulative rule: {flag.sentence}" for flag in flags)
    return {contact_id: found for contact_id, found in reasons.items() if found}
