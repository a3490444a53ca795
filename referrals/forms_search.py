"""The search form: things about a person, things about a contact, and for managers
words in the concern. Every field is optional, but a search needs one."""

from __future__ import annotations

import re

from django import forms

from frontdoor.limits import LIMITS, LengthMessagesMixin
from frontdoor.models import Agency
from referrals.fields import DateField
from referrals.search import SearchCriteria
from referrals.validators import check_in_range, clean_nhs_number, clean_unique_pupil_number

# FD-2026-000123: what a reference looks like (the hyphens may be left out or spaced).
_REFERENCE = re.compile(r"^FD-?(\d{4})-?(\d{1,6})$")


class RecordSearchForm(LengthMessagesMixin, forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=LIMITS.short_text,
        required=False,
        help_text="First and last name, in either order. Close spellings are found too.",
    )
    date_of_birth = DateField(label="Date of birth", past=True, required=False)
    nhs_number = forms.CharField(
        label="NHS number",
        max_length=LIMITS.nhs_number,
        required=False,
        help_text="10 digits, like 485 777 3456",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )
    unique_pupil_number = forms.CharField(
        label="Unique Pupil Number",
        max_length=LIMITS.unique_pupil_number,
        required=False,
        help_text="13 characters, like B801200005001",
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    place = forms.CharField(
        label="Postcode or part of the address",
        max_length=LIMITS.short_text,
        required=False,
        help_text="For example, YO1 7HH, YO1, or Mill Lane",
    )
    reference = forms.CharField(
        label="Contact reference",
        max_length=LIMITS.short_text,
        required=False,
        help_text="Like FD-2026-000123",
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    agency = forms.ModelChoiceField(
        label="Referrer's agency",
        queryset=Agency.objects.order_by("name"),
        required=False,
        empty_label="Any agency",
        error_messages={"invalid_choice": "Select an agency from the list"},
    )
    received_from = DateField(label="Received on or after", past=True, required=False)
    received_to = DateField(label="Received on or before", past=True, required=False)
    concern_words = forms.CharField(
        label="Words in the concern",
        max_length=LIMITS.short_text,
        required=False,
        help_text='For example, knife, or "left alone" for words together. '
        "Forms of a word are found too: bruise finds bruising.",
    )

    def __init__(self, *args, may_search_concerns: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_search_concerns:
            # Not shown and not read: a screener posting it anyway is refused by
            # the search itself (referrals.search.records_search).
            del self.fields["concern_words"]

    def clean_nhs_number(self) -> str:
        return clean_nhs_number(self.cleaned_data["nhs_number"])

    def clean_unique_pupil_number(self) -> str:
        return clean_unique_pupil_number(self.cleaned_data["unique_pupil_number"])

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if name and not any(character.isalpha() for character in name):
            raise forms.ValidationError("Name must include letters")
        return name

    def clean_place(self) -> str:
        place = " ".join(self.cleaned_data["place"].split())
        if place and len(place.replace(" ", "")) < 2:
            raise forms.ValidationError(
                "Enter at least 2 characters of the postcode or address, like YO1"
            )
        return place

    def clean_reference(self) -> str:
        value = "".join(self.cleaned_data["reference"].split()).upper()
        if not value:
            return ""
        found = _REFERENCE.match(value)
        if found is None:
            raise forms.ValidationError(
                "Enter a contact reference like FD-2026-000123: FD, the year and the number"
            )
        year, number = found.groups()
        return f"FD-{year}-{int(number):06d}"

    def clean_concern_words(self) -> str:
        words = " ".join(self.cleaned_data["concern_words"].split())
        if words and not any(character.isalnum() for character in words):
            raise forms.ValidationError("Words in the concern must include letters or numbers")
        return words

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("received_from"), cleaned.get("received_to")
        if start and end and start > end:
            self.add_error(
                "received_to", "Received on or before must be the same as or after the first date"
            )
        if not self.errors and not any(cleaned.get(name) for name in self.fields):
            raise forms.ValidationError("Enter at least one thing to search for")
        return cleaned

    def criteria(self) -> SearchCriteria:
        data = self.cleaned_data
        return SearchCriteria(
            name=data["name"],
            date_of_birth=data["date_of_birth"],
            nhs_number=data["nhs_number"],
            unique_pupil_number=data["unique_pupil_number"],
            place=data["place"],
            reference=data["reference"],
            agency=data["agency"],
            received_from=data["received_from"],
            received_to=data["received_to"],
            concern_words=data.get("concern_words", ""),
        )

    def page_number(self) -> int:
        """The page asked for by the result page's buttons; anything else (typed in
        by hand) is the first page, and the search clamps it to the last."""
        value = str(self.data.get("page", ""))
        return int(value) if value.isascii() and value.isdigit() and len(value) < 4 else 1


class ReceivedBetweenForm(forms.Form):
    """The contacts list's filter by day of receipt, from a link (the today page's
    figures): ISO dates in the address, each day counted whole, in London time."""

    received_from = forms.DateField(input_formats=["%Y-%m-%d"], required=False)
    received_to = forms.DateField(input_formats=["%Y-%m-%d"], required=False)

    # Within the years other dates are (referrals.validators): the day after 31
    # December 9999 is past Python's dates.
    def clean_received_from(self):
        value = self.cleaned_data["received_from"]
        return value and check_in_range(value, noun="The first day")

    def clean_received_to(self):
        value = self.cleaned_data["received_to"]
        return value and check_in_range(value, noun="The last day")

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("received_from"), cleaned.get("received_to")
        if first and last and first > last:
            raise forms.ValidationError("The first day is after the last.")
        return cleaned
