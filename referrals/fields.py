"""Form fields in GOV.UK patterns, for every app's forms: the date input."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from referrals.validators import check_in_range


class DateInputWidget(forms.MultiWidget):
    """GOV.UK date input: day, month and year boxes."""

    template_name = "govuk/widgets/date_input.html"

    def __init__(self, attrs=None):
        box = {"inputmode": "numeric"}
        super().__init__([forms.TextInput(box), forms.TextInput(box), forms.TextInput(box)], attrs)

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class DateField(forms.MultiValueField):
    """A whole date from three boxes, with the GOV.UK error for each way it goes wrong."""

    widget = DateInputWidget

    def __init__(self, *, label: str, past: bool | None = None, **kwargs):
        self.past = past
        self.noun = label
        # Sub-fields are optional so compress() can say which part is missing.
        fields = tuple(forms.CharField(required=False) for _ in range(3))
        super().__init__(fields, require_all_fields=False, label=label, **kwargs)
        self.error_messages["required"] = f"Enter {label.lower()}"
        self.error_messages["incomplete"] = f"Enter {label.lower()}"

    def compress(self, values):
        if not values or not any(str(v or "").strip() for v in values):
            return None
        day, month, year = (str(v or "").strip() for v in values)
        missing = [name for name, v in (("day", day), ("month", month), ("year", year)) if not v]
        if missing:
            raise ValidationError(f"{self.noun} must include a {' and '.join(missing)}")
        # Digits first: int() takes "1_000" and " 7", and a year like 99999999999
        # overflowed datetime.date (a 500) before its length was looked at.
        if not all(part.isascii() and part.isdigit() for part in (day, month, year)):
            raise ValidationError(f"{self.noun} must be a real date")
        if len(year) != 4:
            raise ValidationError(f"Year must include 4 numbers in {self.noun.lower()}")
        try:
            value = datetime.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(f"{self.noun} must be a real date") from None
        today = timezone.localdate()
        if self.past is True and value > today:
            raise ValidationError(f"{self.noun} must be today or in the past")
        if self.past is False and value < today - datetime.timedelta(days=31):
            raise ValidationError(f"{self.noun} must be in the future")
        return check_in_range(value, noun=self.noun)
