"""Forms of the webhook pages. What an address must be is the service's rule
(``outcomes.handoff.endpoints.url_problem``); the form only carries the answer there."""

from __future__ import annotations

from datetime import timedelta

from django import forms

from outcomes.handoff.endpoints import URL_LONGEST

# As for a partner system's token (referrals/forms_systems.py).
GRACE_CHOICES = [
    ("0", "Stop signing with the old secret now"),
    ("1", "1 hour"),
    ("24", "24 hours"),
    ("72", "3 days"),
    ("168", "7 days"),
]


class EndpointForm(forms.Form):
    # A CharField, not a URLField: the service says what is wrong with an address in
    # the words of this page, and a long one typed is kept to be corrected.
    url = forms.CharField(
        label="Address events are sent to",
        max_length=URL_LONGEST,
        strip=True,
        help_text="The full address of the system's receiver, starting with https://, as its "
        "supplier gives it.",
        error_messages={
            "required": "Enter the address events are sent to",
            "max_length": f"The address must be {URL_LONGEST} characters or fewer",
            "null_characters_not_allowed": "The address cannot contain a null character",
        },
    )


class RotateForm(forms.Form):
    grace = forms.ChoiceField(
        label="How long may the old secret keep signing?",
        choices=GRACE_CHOICES,
        widget=forms.RadioSelect,
        help_text="Until then each event is signed with both secrets, so the receiver "
        "can change over to the new one at any time.",
        error_messages={
            "required": "Choose how long the old secret may keep signing",
            "invalid_choice": "Choose how long the old secret may keep signing",
        },
    )

    def grace_period(self) -> timedelta:
        return timedelta(hours=int(self.cleaned_data["grace"]))
