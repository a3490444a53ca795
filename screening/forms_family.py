"""Forms for the family panel on the screening contact page: one small form per
relationship (confirm it, change its kind, or end it with a reason), and one to add a
relationship between two people on the contact."""

from __future__ import annotations

from django import forms

from frontdoor.limits import LIMITS, LengthMessagesMixin
from referrals.models import Person, Relationship

ACTIONS = {
    "confirm": "Confirm",
    "change": "Change the kind",
    "end": "End",
}
KIND_CHOICES = [("", "Choose a kind"), *Relationship.Kind.choices]


class RelationshipForm(LengthMessagesMixin, forms.Form):
    """What the screener did with one relationship: the button pressed says which."""

    action = forms.ChoiceField(
        choices=list(ACTIONS.items()),
        error_messages={
            "required": "Choose whether to confirm, change or end the relationship",
            "invalid_choice": "Choose whether to confirm, change or end the relationship",
        },
    )
    kind = forms.ChoiceField(label="Change the kind to", choices=KIND_CHOICES, required=False)
    reason = forms.CharField(
        label="Why it has ended, or was wrong",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=LIMITS.reason,
        required=False,
    )

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == "change" and not data.get("kind"):
            self.add_error("kind", "Select the kind of relationship it should be")
        if action == "end" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Enter why the relationship has ended or was wrong")
        return data


class RelationshipAddForm(LengthMessagesMixin, forms.Form):
    """``person`` is the ``kind`` of ``relative``: both people on this contact."""

    person = forms.TypedChoiceField(
        label="Who", coerce=int, error_messages={"required": "Select who the relationship is of"}
    )
    kind = forms.ChoiceField(
        label="Is the",
        choices=KIND_CHOICES,
        error_messages={"required": "Select the kind of relationship"},
    )
    relative = forms.TypedChoiceField(
        label="Of (or towards)",
        coerce=int,
        error_messages={"required": "Select whom the relationship is with"},
    )

    def __init__(self, *args, people: list[Person], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "Choose a person"), *((p.pk, p.full_name) for p in people)]
        invalid = {"invalid_choice": "Select someone on this contact"}
        for name in ("person", "relative"):
            self.fields[name].choices = choices
            self.fields[name].error_messages.update(invalid)

    def clean(self):
        data = super().clean()
        if data.get("person") and data.get("person") == data.get("relative"):
            self.add_error("relative", "Select two different people")
        return data
