"""What the screening contact page's family panel needs: the family (screening's
selector), each member's open downstream work (outcomes', through
``frontdoor.page_parts.SCREENING_FAMILY``) and the form to add a relationship. Each
relationship is changed on its own page (``views_family.relationship``) and each
member's earlier contacts are shown when asked for (``views_family.member_history``):
a large family's open forms and tables were most of the page's time."""

from __future__ import annotations

from collections.abc import Iterable

from django.forms import Form
from django.urls import reverse
from django.utils.text import capfirst

from frontdoor import page_parts
from frontdoor.models import User
from referrals.models import Contact, Relationship
from screening.forms_family import RelationshipAddForm
from screening.selectors.family import Family, family_of

# Stands for an id in a URL reversed once: no reference or id is 19 digits long.
_ANY_ID = 4_611_686_018_427_387_904


def urls_by_id(name: str, reference: str, ids: Iterable[int]) -> dict[int, str]:
    """The URL ``name`` of each id on the contact ``reference``, reversed once: a
    family of thirteen has dozens of relationships, and reversing each one's URL cost
    more than the rest of its row."""
    pattern = reverse(name, args=[reference, _ANY_ID])
    return {pk: pattern.replace(str(_ANY_ID), str(pk)) for pk in ids}


def relationship_rows(family: Family, urls: dict[int, str]) -> list[dict]:
    """The family's current relationships as the panel's rows show them, each a plain
    dict: a family of thirteen has sixty-odd, and the template looking each one's
    people, kind and recorder up on the model (a failed subscript, then an attribute,
    for every name) was most of the panel's time."""
    rows = []
    for item in family.current:
        rel = item.relationship
        if item.masked:
            rows.append({"pk": rel.pk, "masked": True})
            continue
        rows.append(
            {
                "pk": rel.pk,
                "masked": False,
                "person": rel.person.full_name,
                "relative": rel.relative.full_name,
                "words": capfirst(rel.in_words),
                "suggested": rel.basis == Relationship.Basis.SUGGESTED,
                "recorded_on": rel.recorded_on_reference or "",
                "recorded_at": rel.recorded_at,
                "confirmed_by": rel.confirmed_by.full_name if rel.confirmed_by else "",
                "confirmed_at": rel.confirmed_at,
                "url": urls[rel.pk],
            }
        )
    return rows


def family_context(
    *, user: User, contact: Contact, relationship_add_form: Form | None = None
) -> tuple[Family | None, dict]:
    family = family_of(user=user, contact=contact)
    if family is None:
        return None, {}
    ref = contact.reference
    relationship_urls = urls_by_id(
        "screening:relationship", ref, (item.relationship.pk for item in family.current)
    )
    return family, {
        "family": family,
        "relationship_rows": relationship_rows(family, relationship_urls),
        "member_history_urls": urls_by_id(
            "screening:family-member-history", ref, family.person_ids
        ),
        "relationship_add_form": relationship_add_form
        or RelationshipAddForm(prefix="relationship-add", people=family.people),
        **page_parts.context_for(
            page_parts.SCREENING_FAMILY, user=user, contact=contact, person_ids=family.person_ids
        ),
    }
