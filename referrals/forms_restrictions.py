"""Restricting a contact or person record to named people."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from frontdoor.limits import LIMITS, LengthMessagesMixin
from referrals.fields import DateField
from referrals.services import RESTRICTION_REVIEW_EVERY


class RestrictionForm(LengthMessagesMixin, forms.Form):
    reason = forms.CharField(
        label="Why is this record restricted?",
        max_length=LIMITS.reason,
        help_text="For example, the family of a member of staff. Only managers see this.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the record is restricted"},
    )
    allowed = forms.ModelMultipleChoiceField(
        label="Who else may open it",
        help_text="You and the person to ask can always open it.",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    ask = forms.ModelChoiceField(
        label="Whom should others ask for access?",
        queryset=None,
        error_messages={"required": "Choose whom others should ask"},
    )
    review_due = DateField(
        label="Review date",
        past=False,
        help_text="Restrictions are reviewed at least every three months. For example, 28 2 2027",
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["allowed"].queryset = staff
        self.fields["ask"].queryset = staff
        self.fields["allowed"].label_from_instance = lambda user: user.full_name
        self.fields["ask"].label_from_instance = lambda user: user.full_name

    def clean_review_due(self) -> datetime.date:
        review_due = self.cleaned_data["review_due"]
        latest = timezone.localdate() + RESTRICTION_REVIEW_EVERY
        if review_due > latest:
            raise ValidationError(
                f"Review date must be within three months, on or before {latest:%-d %B %Y}"
            )
        return review_due
