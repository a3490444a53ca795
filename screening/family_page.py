"""What the screening contact page's family panel needs: the family (screening's
selector), each member's open downstream work (outcomes', through
``frontdoor.page_parts.SCREENING_FAMILY``) and the form to add a relationship. Each
relationship is changed on its own page (``views_family.relationship``) and each
member's earlier contacts are shown when asked for (``views_family.member_history``):
a large family's open forms and tables were most of the page's time."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.forms import Form
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
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


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _day(moment: datetime) -> str:
    """'3 Feb 2026' in London, as the template filter ``date:"j M Y"`` writes it."""
    local = timezone.localtime(moment)
    return f"{local.day} {_MONTHS[local.month - 1]} {local.year}"


_MASKED_ROW = (
    '<div class="govuk-summary-list__row govuk-summary-list__row--no-actions"'
    ' id="relationship-{}"><dt class="govuk-summary-list__key">A restricted record</dt>'
    '<dd class="govuk-summary-list__value">A relationship with someone whose record is'
    " restricted.</dd></div>"
)
_ROW = (
    '<div class="govuk-summary-list__row" id="relationship-{pk}">\n'
    '  <dt class="govuk-summary-list__key">{person}</dt>\n'
    '  <dd class="govuk-summary-list__value">{words} {relative} {tag}<br>\n'
    '    <span class="govuk-body-s">{provenance}</span></dd>\n'
    '  <dd class="govuk-summary-list__actions"><a class="govuk-link" href="{url}">{action}'
    '<span class="govuk-visually-hidden"> the relationship between {person} and {relative}'
    "</span></a></dd>\n</div>"
)
_SUGGESTED_TAG = mark_safe('<strong class="govuk-tag govuk-tag--yellow">Suggested</strong>')
_CONFIRMED_TAG = mark_safe('<strong class="govuk-tag govuk-tag--green">Confirmed</strong>')


def relationship_rows(family: Family, urls: dict[int, str]) -> list[str]:
    """The family's current relationships as the panel's summary-list rows. Written
    here rather than looped over in the template: a family of thirteen has sixty-odd,
    and a dozen lookups, tags and dates for each in the template were a twentieth of
    the whole page's time. Everything from the records is escaped by ``format_html``."""
    rows = []
    for item in family.current:
        rel = item.relationship
        if item.masked:
            rows.append(format_html(_MASKED_ROW, rel.pk))
            continue
        suggested = rel.basis == Relationship.Basis.SUGGESTED
        provenance = (
            f"{'Suggested from' if suggested else 'Recorded on'} "
            f"{rel.recorded_on_reference or 'no contact'}, {_day(rel.recorded_at)}"
        )
        if rel.confirmed_by:
            local = timezone.localtime(rel.confirmed_at)
            provenance += (
                f"; confirmed by {rel.confirmed_by.full_name}, "
                f"{_day(rel.confirmed_at)} {local:%H:%M}"
            )
        rows.append(
            format_html(
                _ROW,
                pk=rel.pk,
                person=rel.person.full_name,
                relative=rel.relative.full_name,
                words=capfirst(rel.in_words),
                tag=_SUGGESTED_TAG if suggested else _CONFIRMED_TAG,
                provenance=provenance,
                url=urls[rel.pk],
                action="Confirm or change" if suggested else "Change",
            )
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
