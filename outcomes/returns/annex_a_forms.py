"""The Annex A window as people type it: two dates, or an inspection date."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils import timezone

from outcomes.returns.annex_a import Window, window_problem
from referrals.fields import DateField


class WindowForm(forms.Form):
    """The window, as GOV.UK date inputs; a bound form keeps what was typed."""

    start = DateField(label="Start date", help_text="For example, 1 5 2026")
    end = DateField(label="End date", help_text="For example, 31 10 2026")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["start"].error_messages["required"] = "Enter the start date"
        self.fields["end"].error_messages["required"] = "Enter the end date"

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and (problem := window_problem(start, end)):
            self.add_error("end", problem)
        return cleaned

    @property
    def window(self) -> Window:
        return Window(self.cleaned_data["start"], self.cleaned_data["end"])


class InspectionDateForm(forms.Form):
    inspection_date = DateField(
        label="Inspection date",
        help_text="For example, 15 10 2026. The window is the six months before it.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["inspection_date"].error_messages["required"] = "Enter the inspection date"

    def clean_inspection_date(self) -> date:
        day = self.cleaned_data["inspection_date"]
        if day > timezone.localdate() + timedelta(days=366):
            raise forms.ValidationError("The inspection date must be within the next year")
        return day
