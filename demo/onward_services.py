"""The demo council's onward services (docs/adr/0045): early help by family hub and
specialist service, one needing the family's consent, and one hub that closed (its
past decisions keep its name)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from referrals.models import Contact
from screening.models import OnwardService, Route

SERVICES = [
    (
        "Family Hub North",
        "01632 960110, familyhub.north@demo-council.example",
        False,
        "Family Hub North will contact the family within five working days to offer an "
        "early help assessment.",
        "A family support worker from Family Hub North will call you within five working "
        "days to talk about the help you would like.",
    ),
    (
        "Family Hub South",
        "01632 960120, familyhub.south@demo-council.example",
        False,
        "",
        "",
    ),
    ("Young People's Service", "01632 960130, yps@demo-council.example", False, "", ""),
    (
        "Domestic Abuse Service",
        "01632 960140 (Monday to Friday, 9am to 5pm)",
        True,
        "The Domestic Abuse Service will contact the parent who agreed to their support.",
        "",
    ),
]
# Closed half a year before the demo's moment: older decisions name it, newer cannot.
CLOSED_HUB = "Selby Children's Centre"
CLOSED_DAYS_AGO = 180


def demo_onward_services_load() -> None:
    """The services, as a council's administrator would add them; safe to run again.
    The closed hub is active until ``demo_onward_services_retire``."""
    for name, details, consent, to_referrer, to_family in SERVICES:
        OnwardService.objects.get_or_create(
            route=Route.EARLY_HELP,
            name=name,
            defaults={
                "contact_details": details,
                "needs_consent": consent,
                "referrer_wording": to_referrer,
                "family_wording": to_family,
            },
        )
    OnwardService.objects.get_or_create(
        route=Route.EARLY_HELP, name=CLOSED_HUB, defaults={"contact_details": "Closed."}
    )


def demo_onward_services_retire() -> None:
    OnwardService.objects.filter(name=CLOSED_HUB).update(is_active=False)


def demo_service_for(
    rng: random.Random, contact: Contact, route: str, decided_at: datetime, now: datetime
) -> OnwardService | None:
    """A service the decision may name: one of the route's active services (the closed
    hub only before it closed; one needing consent only where the family agreed)."""
    services = list(OnwardService.objects.active().under(route).order_by("name"))
    if not services:
        return None
    closed = now - decided_at < timedelta(days=CLOSED_DAYS_AGO)
    consented = contact.family_awareness == Contact.FamilyAwareness.AWARE_CONSENTED
    usable = [
        service
        for service in services
        if not (service.name == CLOSED_HUB and closed) and (consented or not service.needs_consent)
    ]
    return rng.choice(usable)
