"""Forms for warnings on a person record: set, review, end."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from frontdoor.limits import LIMITS, LengthMessagesMixin
from referrals.fields import DateField
from referrals.models import WARNING_EVIDENCE_MIN_LENGTH, WARNING_NOTE_MIN_LENGTH, WarningKind
from referrals.services import WARNING_REVIEW_AT_MOST


def _review_due(value: datetime.date | None) -> datetime.date | None:
    today = timezone.localdate()
    if value is None:
        return value
    if value <= today:
        raise ValidationError("Review date must be in the future")
    latest = today + WARNING_REVIEW_AT_MOST
    if value > latest:
        raise ValidationError(f"Review date must be on or before {latest.day} {latest:%B %Y}")
    return value


def _no_nul(value: str, noun: str) -> str:
    if "\x00" in value:
        raise ValidationError(f"{noun} contains a character that cannot be saved")
    return value.strip()


class WarningForm(LengthMessagesMixin, forms.Form):
    kind = forms.ChoiceField(
        label="What kind of warning is it?",
        choices=WarningKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of warning it is"},
    )
    evidence = forms.CharField(
        label="What is the warning based on?",
        max_length=LIMITS.reason,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What is known, where it came from and when: for example, police "
        "notification of 3 March 2026, non-molestation order until June 2027.",
        error_messages={"required": "Enter what the warning is based on"},
    )
    review_due = DateField(
        label="Review date",
        past=False,
        help_text="When someone must check the warning still applies, within a year. "
        "For example, 28 2 2027",
    )

    def clean_evidence(self) -> str:
        value = _no_nul(self.cleaned_data["evidence"], "What the warning is based on")
        if len(value) < WARNING_EVIDENCE_MIN_LENGTH:
            raise ValidationError("Say more about what the warning is based on")
        return value

    def clean_review_due(self):
        return _review_due(self.cleaned_data["review_due"])


class WarningReviewForm(LengthMessagesMixin, forms.Form):
    review_due = DateField(
        label="Next review date",
        past=False,
        help_text="Within a year. For example, 28 2 2027",
    )
    note = forms.CharField(
        label="Why does the warning still apply?",
        max_length=LIMITS.reason,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the warning still applies"},
    )

    def clean_review_due(self):
        return _review_due(self.cleaned_data["review_due"])

    def clean_note(self) -> str:
        value = _no_nul(self.cleaned_data["note"], "The note")
        if len(value) < WARNING_NOTE_MIN_LENGTH:
            raise ValidationError("Say more about why the warning still applies")
        return value


class WarningEndForm(LengthMessagesMixin, forms.Form):
    reason = forms.CharField(
        label="Why is the warning being ended?",
        max_length=LIMITS.reason,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, the order ended on 1 May 2026, or the person has moved out "
        "of the household. The warning stays on the record, marked as ended.",
        error_messages={"required": "Enter why the warning is being ended"},
    )

    def clean_reason(self) -> str:
        value = _no_nul(self.cleaned_data["reason"], "The reason")
        if len(value) < WARNING_NOTE_MIN_LENGTH:
            raise ValidationError("Say more about why the warning is being ended")
        return value
