"""Forms on person records: search, and a child's Unique Pupil Number."""

from __future__ import annotations

from django import forms

from frontdoor.limits import LIMITS, LengthMessagesMixin
from referrals.fields import DateField
from referrals.validators import clean_unique_pupil_number


class PersonSearchForm(LengthMessagesMixin, forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=LIMITS.short_text,
        help_text="First and last name, in either order",
        error_messages={"required": "Enter a name to search for"},
    )
    date_of_birth = DateField(label="Date of birth (optional)", past=True, required=False)


class UniquePupilNumberForm(LengthMessagesMixin, forms.Form):
    """A child's UPN added or corrected after intake (the census asks for it)."""

    unique_pupil_number = forms.CharField(
        label="Unique Pupil Number",
        max_length=LIMITS.unique_pupil_number,
        help_text="13 characters, like B801200005001, from the child's school",
        error_messages={"required": "Enter the Unique Pupil Number"},
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )

    def clean_unique_pupil_number(self):
        return clean_unique_pupil_number(self.cleaned_data["unique_pupil_number"])
