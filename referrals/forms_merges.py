"""Forms for merging duplicate person records: which record to compare with, which
to keep and why, and why a merge is being undone."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from frontdoor.limits import LIMITS, LengthMessagesMixin
from referrals.models import Person
from referrals.services import MERGE_REASON_MIN_LENGTH


def _reason(value: str, noun: str) -> str:
    if "\x00" in value:
        raise ValidationError(f"{noun} contains a character that cannot be saved")
    value = value.strip()
    if len(value) < MERGE_REASON_MIN_LENGTH:
        raise ValidationError(f"{noun} must be at least {MERGE_REASON_MIN_LENGTH} characters")
    return value


class MergeChooseForm(forms.Form):
    """The other record, by its number (as the person page and search results show it)."""

    other = forms.IntegerField(
        label="Person record number of the duplicate",
        min_value=1,
        max_value=2**31 - 1,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        help_text="The number after “Person record” on the other record's page, for example 1234.",
        error_messages={
            "required": "Enter the person record number of the duplicate",
            "invalid": "Enter the person record number as digits only, for example 1234",
            "min_value": "Enter a person record number, for example 1234",
            "max_value": "There is no person record with that number",
        },
    )


class MergeForm(LengthMessagesMixin, forms.Form):
    keep = forms.TypedChoiceField(
        label="Which record should be kept?",
        coerce=int,
        widget=forms.RadioSelect,
        help_text="The other record's contacts, relationships, warnings and restrictions "
        "move to the kept one; the other becomes a pointer to it.",
        error_messages={"required": "Select which record to keep"},
    )
    reason = forms.CharField(
        label="Why are these the same person?",
        max_length=LIMITS.reason,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you checked: for example, the same NHS number on the health "
        "visitor's letter, or the school confirmed the date of birth.",
        error_messages={"required": "Enter why these records are the same person"},
    )

    def __init__(self, *args, left: Person, right: Person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [
            (person.pk, f"Keep record {person.pk}: {person.full_name}") for person in (left, right)
        ]

    def clean_reason(self) -> str:
        return _reason(self.cleaned_data["reason"], "Why these are the same person")


class UnmergeForm(LengthMessagesMixin, forms.Form):
    reason = forms.CharField(
        label="Why are these two different people?",
        max_length=LIMITS.reason,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Everything the merge moved goes back to the record it came from; "
        "what was added to the kept record since stays with it.",
        error_messages={"required": "Enter why the merge is being undone"},
    )

    def clean_reason(self) -> str:
        return _reason(self.cleaned_data["reason"], "Why the merge is being undone")


class MergePickForm(forms.Form):
    """Two people picked from search results to compare for a merge: their record
    numbers (ticked boxes named ``pick``), exactly two and different."""

    def clean(self):
        cleaned = super().clean()
        picked = self.data.getlist("pick") if hasattr(self.data, "getlist") else []
        numbers = []
        for value in picked:
            # Only the page's own boxes send these; anything else is no record.
            if not (value.isascii() and value.isdigit() and 0 < len(value) < 11):
                raise ValidationError("Select people from the results to compare")
            if int(value) not in numbers:
                numbers.append(int(value))
        if len(numbers) < 2:
            raise ValidationError(
                "Select 2 people to compare: the two records you think are the same person"
            )
        if len(numbers) > 2:
            raise ValidationError(
                f"Select only 2 people to compare: you selected {len(numbers)}. "
                "Two records are compared and merged at a time"
            )
        cleaned["people"] = numbers
        return cleaned

    @property
    def picked(self) -> set[int]:
        """The boxes that were ticked, to tick them again on the page."""
        values = self.data.getlist("pick") if hasattr(self.data, "getlist") else []
        return {int(v) for v in values if v.isascii() and v.isdigit() and 0 < len(v) < 11}
