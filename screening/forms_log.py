"""The contact log's forms: record a conversation or action, and correct an entry."""

from __future__ import annotations

import re
from datetime import datetime, time

from django import forms
from django.utils import timezone

from frontdoor.limits import LIMITS, LengthMessagesMixin
from frontdoor.london import LONDON
from frontdoor.models import Agency
from referrals.fields import DateField
from referrals.models import Contact
from screening.models import ContactLogEntry
from screening.services_log import NOTE_LIMIT, LogInput, log_problems

NUL = "null_characters_not_allowed"
# 15:10, 9:05, 0910, 3pm, 3:10pm, 3.10 pm: how people write a time of day.
TIME = re.compile(r"^(\d{1,2})(?:[:.]?(\d{2}))?\s*(am|pm)?$", re.IGNORECASE)


def time_parse(text: str) -> time | None:
    match = TIME.match(text.strip())
    if not match:
        return None
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half.lower() == "pm" else 0)
    elif match.group(2) is None:
        return None  # "15" alone is not clearly a time
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


class LogEntryForm(LengthMessagesMixin, forms.Form):
    with_whom = forms.ChoiceField(
        label="Who was it with?",
        choices=ContactLogEntry.WithWhom.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select who it was with",
            "invalid_choice": "Select who it was with",
        },
    )
    agency = forms.ModelChoiceField(
        label="Which agency (if it was with a partner agency)",
        queryset=Agency.objects.filter(is_active=True),
        required=False,
        empty_label="Select an agency",
        error_messages={"invalid_choice": "Select which agency"},
    )
    with_name = forms.CharField(
        label="Their name or role (optional)",
        help_text="For example, Mrs Shah, designated safeguarding lead. Needed for someone else.",
        required=False,
        max_length=LIMITS.short_text,
        error_messages={NUL: "Their name has a null character (\\0) in it: type it again"},
    )
    how = forms.ChoiceField(
        label="How?",
        choices=ContactLogEntry.How.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how it happened",
            "invalid_choice": "Select how it happened",
        },
    )
    occurred_on = DateField(label="Date", past=True, help_text="For example, 27 3 2026")
    occurred_time = forms.CharField(
        label="Time",
        help_text="For example, 15:10 or 3:10pm",
        max_length=20,
        error_messages={"required": "Enter the time", NUL: "Enter a time, like 15:10"},
    )
    note = forms.CharField(
        label="What was said or done",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=NOTE_LIMIT,
        error_messages={
            "required": "Enter what was said or done",
            NUL: "The note has a null character (\\0) in it: type it again",
        },
    )

    def __init__(self, *args, contact: Contact, **kwargs):
        self.contact = contact
        kwargs.setdefault("prefix", "log")
        super().__init__(*args, **kwargs)
        self.fields["occurred_time"].widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false"}
        )

    def clean_occurred_time(self) -> time:
        parsed = time_parse(self.cleaned_data["occurred_time"])
        if parsed is None:
            raise forms.ValidationError("Enter a time, like 15:10 or 3:10pm")
        return parsed

    def clean(self):
        cleaned = super().clean()
        on, at = cleaned.get("occurred_on"), cleaned.get("occurred_time")
        if self.errors or on is None or at is None:
            return cleaned
        data = self.log_input()
        for name, message in log_problems(data, contact=self.contact, now=timezone.now()).items():
            self.add_error(name if name in self.fields else None, message)
        return cleaned

    def occurred_at(self) -> datetime:
        data = self.cleaned_data
        return datetime.combine(data["occurred_on"], data["occurred_time"], tzinfo=LONDON)

    def log_input(self) -> LogInput:
        data = self.cleaned_data
        return LogInput(
            with_whom=data["with_whom"],
            agency=data.get("agency"),
            with_name=data.get("with_name", ""),
            how=data["how"],
            occurred_at=self.occurred_at(),
            note=data["note"],
        )

    def add_service_errors(self, errors: dict[str | None, str]) -> None:
        for name, message in errors.items():
            self.add_error(name if name in self.fields else None, message)

    @classmethod
    def initial_from(cls, entry: ContactLogEntry) -> dict:
        """What a correction starts from: the entry as it stands."""
        when = timezone.localtime(entry.occurred_at, LONDON)
        return {
            "with_whom": entry.with_whom,
            "agency": entry.agency_id,
            "with_name": entry.with_name,
            "how": entry.how,
            "occurred_on": when.date(),
            "occurred_time": f"{when:%H:%M}",
            "note": entry.note,
        }


class LogCorrectionForm(LogEntryForm):
    reason = forms.CharField(
        label="Why are you correcting it?",
        help_text="For example, the call was with the school nurse, not the DSL.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LIMITS.reason,
        error_messages={
            "required": "Enter why the entry is being corrected",
            NUL: "The reason has a null character (\\0) in it: type it again",
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "correction")
        super().__init__(*args, **kwargs)
