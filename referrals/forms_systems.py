"""Forms of the partner systems pages."""

from __future__ import annotations

from datetime import timedelta

from django import forms

from referrals.models import Scope

GRACE_CHOICES = [
    ("0", "End the old token now"),
    ("1", "1 hour"),
    ("24", "24 hours"),
    ("72", "3 days"),
    ("168", "7 days"),
]


class SystemForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=200,
        help_text="What the council calls it, for example 'Mosaic (live)' or 'Police "
        "referral feed'.",
        error_messages={
            "required": "Enter the partner system's name",
            "max_length": "The name must be 200 characters or fewer",
        },
    )
    scopes = forms.MultipleChoiceField(
        label="What it may do",
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only what its service account's roles also allow. Receiving events "
        "lets it have webhook endpoints, set on its page once it is added.",
        error_messages={
            "required": "Choose at least one thing the system may do",
            "invalid_choice": "Choose what the system may do from the list",
        },
    )


class SystemCreateForm(SystemForm):
    account = forms.ModelChoiceField(
        label="Service account it acts as",
        queryset=None,
        empty_label="Choose an account",
        help_text="Contacts and outcome events it sends are recorded as this account's.",
        error_messages={
            "required": "Choose the service account the system acts as",
            "invalid_choice": "Choose an account from the list",
        },
    )
    field_order = ["name", "account", "scopes"]

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts
        self.fields["account"].label_from_instance = lambda user: f"{user.full_name} ({user.email})"


class RotateForm(forms.Form):
    grace = forms.ChoiceField(
        label="How long may the old token keep working?",
        choices=GRACE_CHOICES,
        widget=forms.RadioSelect,
        help_text="Long enough for the partner to put the new token in place.",
        error_messages={
            "required": "Choose how long the old token may keep working",
            "invalid_choice": "Choose how long the old token may keep working",
        },
    )

    def grace_period(self) -> timedelta:
        return timedelta(hours=int(self.cleaned_data["grace"]))
