"""Forms on person records: a child's Unique Pupil Number (the search is forms_search)."""

from __future__ import annotations

from django import forms

from frontdoor.limits import LIMITS, LengthMessagesMixin
from referrals.validators import clean_unique_pupil_number


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
