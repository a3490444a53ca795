"""What the screening contact page's family panel needs: the family (screening's
selector), each member's open downstream work (outcomes', through
``frontdoor.page_parts.SCREENING_FAMILY``) and the relationship forms' controls, one per
current relationship, with the one just submitted kept as typed when it failed."""

from __future__ import annotations

from dataclasses import dataclass

from django.forms import Form
from django.utils.html import format_html_join

from frontdoor import page_parts
from frontdoor.models import User
from referrals.models import Contact
from screening.forms_family import KIND_CHOICES, RelationshipAddForm, RelationshipForm
from screening.selectors.family import Family, family_of


def relationship_prefix(relationship_id: int) -> str:
    return f"relationship-{relationship_id}"  # each form on the page its own ids


# The kinds a relationship can be changed to, as <option>s with none chosen: the same
# for every relationship not just submitted, so made once per process.
_KIND_OPTIONS = format_html_join("", '<option value="{}">{}</option>', KIND_CHOICES)
_FIELDS = RelationshipForm.base_fields


@dataclass(frozen=True)
class RelationshipControls:
    """The names, ids, labels and (for the one just submitted) values and errors of
    one relationship's confirm/change/end form. A large family has dozens of current
    relationships, each with its form: building and rendering a Django form for each
    cost more than the rest of the page, so only the submitted one is a form."""

    prefix: str
    form: Form | None = None

    def _name(self, field: str) -> str:
        return f"{self.prefix}-{field}"

    @property
    def action_name(self) -> str:
        return self._name("action")

    @property
    def action_id(self) -> str:
        return f"id_{self._name('action')}"

    @property
    def kind_name(self) -> str:
        return self._name("kind")

    @property
    def kind_id(self) -> str:
        return f"id_{self._name('kind')}"

    @property
    def reason_name(self) -> str:
        return self._name("reason")

    @property
    def reason_id(self) -> str:
        return f"id_{self._name('reason')}"

    kind_label = _FIELDS["kind"].label
    reason_label = _FIELDS["reason"].label

    def _errors(self, field: str) -> list[str]:
        return list(self.form.errors.get(field, [])) if self.form is not None else []

    @property
    def errors(self) -> bool:
        return bool(self.form is not None and self.form.errors)

    @property
    def non_field_errors(self) -> list[str]:
        return list(self.form.non_field_errors()) if self.form is not None else []

    @property
    def action_errors(self) -> list[str]:
        return self._errors("action")

    @property
    def kind_errors(self) -> list[str]:
        return self._errors("kind")

    @property
    def reason_errors(self) -> list[str]:
        return self._errors("reason")

    @property
    def reason_value(self) -> str:
        return (self.form["reason"].value() or "") if self.form is not None else ""

    @property
    def kind_options(self) -> str:
        if self.form is None:
            return _KIND_OPTIONS
        chosen = self.form["kind"].value()
        return format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (value, " selected" if value and value == chosen else "", label)
                for value, label in KIND_CHOICES
            ),
        )


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
    controls = {
        item.relationship.pk: RelationshipControls(relationship_prefix(item.relationship.pk))
        for item in family.current
        if not item.masked
    }
    if relationship_form is not None:
        pk, form = relationship_form
        controls[pk] = RelationshipControls(relationship_prefix(pk), form)
    return family, {
        "family": family,
        "relationship_controls": controls,
        "relationship_form": relationship_form[1] if relationship_form else None,
        "relationship_add_form": relationship_add_form
        or RelationshipAddForm(prefix="relationship-add", people=family.people),
        **page_parts.context_for(
            page_parts.SCREENING_FAMILY, user=user, contact=contact, person_ids=family.person_ids
        ),
    }
