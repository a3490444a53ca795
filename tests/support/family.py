"""A child (Amelia) whose father (Gary) is named on an earlier contact, for the family
panel's tests: the contacts, the suggested relationship between them, and the panel's
pages fetched as a screener's browser does."""

from __future__ import annotations

import datetime
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from frontdoor.nhs_numbers import nhs_number_from
from referrals.models import ContactSubject, Relationship
from tests.factories import adult_input, child_input, submit_contact

AMELIA_NHS = nhs_number_from("943476591")
FATHER = dict(
    role=ContactSubject.Role.PARENT,
    first_name="Gary",
    last_name="Harrison",
    relationship_to_children="Father",
    date_of_birth=datetime.date(1985, 2, 3),
)


def first_contact(referrer, **overrides):
    """Amelia and her father, 200 days ago."""
    return submit_contact(
        referrer,
        subjects=[child_input(nhs_number=AMELIA_NHS), adult_input(**FATHER)],
        received_at=timezone.now() - timedelta(days=200),
        **overrides,
    )


def later_contact(referrer, *adults):
    """Amelia again today (matched by NHS number), with these adults."""
    return submit_contact(referrer, subjects=[child_input(nhs_number=AMELIA_NHS), *adults])


def father_link() -> Relationship:
    return Relationship.objects.get(person__first_name="Gary", relative__first_name="Amelia")


def contact_page(client, contact) -> str:
    response = client.get(reverse("screening:contact", args=[contact.reference]))
    assert response.status_code == 200
    return response.text


def relationship_post(client, contact, relationship, **data):
    return client.post(
        reverse("screening:relationship", args=[contact.reference, relationship.pk]), data
    )


def member_history(client, contact, person_id, **headers):
    """A family member's earlier contacts, as the panel's "Show earlier contacts" link
    fetches them (``HX_Request="true"`` for the htmx fragment)."""
    url = reverse("screening:family-member-history", args=[contact.reference, person_id])
    return client.get(url, headers=headers)


def family_section(page: str) -> str:
    return page.split('id="family"', 1)[1].split('id="signs-of-safety"', 1)[0]
