"""What the screening contact page's family panel needs: the family (screening's
selector), each member's open downstream work (outcomes', through
``frontdoor.page_parts.SCREENING_FAMILY``) and the relationship forms, one per current
relationship, with the one just submitted kept as typed when it failed."""

from __future__ import annotations

from django.forms import Form

from frontdoor import page_parts
from frontdoor.models import User
from referrals.models import Contact
from screening.forms_family import RelationshipAddForm, RelationshipForm
from screening.selectors.family import Family, family_of


def relationship_prefix(relationship_id: int) -> str:
    return f"relationship-{relationship_id}"  # each form on the page its own ids


def family_context(
    *,
    user: User,
    contact: Contact,
    relationship_form: tuple[int, Form] | None = None,
    relationship_add_form: Form | None = None,
) -> tuple[Family | None, dict]:
    family = family_of(user=user, contact=contact)
    if family is None:
        return None, {}
    forms = {
        item.relationship.pk: RelationshipForm(prefix=relationship_prefix(item.relationship.pk))
        for item in family.current
        if not item.masked
    }
    if relationship_form is not None:
        forms[relationship_form[0]] = relationship_form[1]
    return family, {
        "family": family,
        "relationship_forms": forms,
        "relationship_form": relationship_form[1] if relationship_form else None,
        "relationship_add_form": relationship_add_form
        or RelationshipAddForm(prefix="relationship-add", people=family.people),
        **page_parts.context_for(
            page_parts.SCREENING_FAMILY, user=user, contact=contact, person_ids=family.person_ids
        ),
    }
