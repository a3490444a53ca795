"""The chronology's filters: what to show, a date range and the order (a GET form:
kinds and dates are not personal, so they may sit in the page's address)."""

from __future__ import annotations

from django import forms

from outcomes.chronology.selectors import Filters, kind_choices
from referrals.fields import DateField

NEWEST, OLDEST = "newest", "oldest"


class ChronologyFilterForm(forms.Form):
    kind = forms.MultipleChoiceField(
        label="Show",
        help_text="Leave them all unticked to show everything.",
        choices=kind_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Choose what to show from the list"},
    )
    date_from = DateField(label="Date from", required=False, help_text="For example, 27 3 2025")
    date_to = DateField(label="Date to", required=False, help_text="For example, 31 3 2026")
    order = forms.ChoiceField(
        label="Order",
        choices=[(NEWEST, "Newest first"), (OLDEST, "Oldest first")],
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Choose newest first or oldest first"},
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "Date to must be the same as or after date from")
        return cleaned

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            kinds=tuple(data.get("kind") or ()),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            newest_first=data.get("order") != OLDEST,
        )
