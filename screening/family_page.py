"""What the screening contact page's family panel needs: the family (screening's
selector), each member's open downstream work (outcomes', through
``frontdoor.page_parts.SCREENING_FAMILY``) and the form to add a relationship. Each
relationship is changed on its own page (``views_family.relationship``) and each
member's earlier contacts are shown when asked for (``views_family.member_history``):
a large family's open forms and tables were most of the page's time."""

from __future__ import annotations

from django.forms import Form

from frontdoor import page_parts
from frontdoor.models import User
from referrals.models import Contact
from screening.forms_family import RelationshipAddForm
from screening.selectors.family import Family, family_of


def family_context(
    *, user: User, contact: Contact, relationship_add_form: Form | None = None
) -> tuple[Family | None, dict]:
    family = family_of(user=user, contact=contact)
    if family is None:
        return None, {}
    return family, {
        "family": family,
        "relationship_add_form": relationship_add_form
        or RelationshipAddForm(prefix="relationship-add", people=family.people),
        **page_parts.context_for(
            page_parts.SCREENING_FAMILY, user=user, contact=contact, person_ids=family.person_ids
        ),
    }
