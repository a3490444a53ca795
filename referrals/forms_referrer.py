"""What the referral form asks a referring professional about themselves: only what
their account lacks (their job title, a phone number), so every referral says who sent
it and how to reach them without asking account holders what we already know."""

from __future__ import annotations

from django import forms

from frontdoor.limits import LIMITS, LengthMessagesMixin
from frontdoor.models import User
from frontdoor.phones import uk_phone_clean
from referrals.services import ReferrerInput


class YourDetailsForm(LengthMessagesMixin, forms.Form):
    your_job_title = forms.CharField(
        label="Your job title",
        help_text="For example, designated safeguarding lead, or health visitor",
        max_length=LIMITS.short_text,
        error_messages={"required": "Enter your job title"},
    )
    your_phone = forms.CharField(
        label="A telephone number we can call you on",
        help_text="A UK number, for example 01632 960 001 or 07700 900 982. To stop being "
        "asked, add it to your account from your home page.",
        max_length=LIMITS.phone,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        error_messages={"required": "Enter a telephone number the front door can call you on"},
    )

    def __init__(self, *args, account: User, **kwargs):
        self.account = account
        super().__init__(*args, **kwargs)
        if account.job_title:
            del self.fields["your_job_title"]
        if account.phone:
            del self.fields["your_phone"]

    @staticmethod
    def asks(account: User) -> bool:
        """Whether the account lacks anything the form would ask."""
        return not (account.job_title and account.phone)

    def clean_your_phone(self) -> str:
        return uk_phone_clean(self.cleaned_data["your_phone"])

    def to_referrer(self) -> ReferrerInput:
        """What was asked; intake fills in the rest from the account."""
        data = self.cleaned_data
        return ReferrerInput(
            role=data.get("your_job_title", ""),
            phone=data.get("your_phone", ""),
        )
