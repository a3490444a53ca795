"""Forms for withdrawing a contact (docs/adr/0036): a referrer asking for their
referral to be withdrawn, and screening staff withdrawing one. The services check
everything again (``referrals.services.withdrawal_problems``); a refusal they give
goes on its field, with what was typed kept."""

from __future__ import annotations

from django import forms

from frontdoor.limits import LengthMessagesMixin
from referrals.models import WithdrawalAskedBy, WithdrawalReason
from referrals.services.withdrawals import NOTE_LIMIT

NUL = "null_characters_not_allowed"
# The reasons as the referrer says them.
REFERRER_REASONS = {
    WithdrawalReason.SENT_IN_ERROR: "I sent it in error",
    WithdrawalReason.DUPLICATE: "It repeats a referral already sent about the same children",
    WithdrawalReason.WRONG_LOCAL_AUTHORITY: "It should have gone to another local authority",
    WithdrawalReason.CONCERN_WITHDRAWN: "I no longer have the concern",
}


class WithdrawalRequestForm(LengthMessagesMixin, forms.Form):
    reason = forms.ChoiceField(
        label="Why should it be withdrawn?",
        choices=WithdrawalReason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select why the contact should be withdrawn",
            "invalid_choice": "Select why the contact should be withdrawn",
        },
    )
    note = forms.CharField(
        label="Tell us what happened",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=NOTE_LIMIT,
        error_messages={
            "required": "Enter a note saying what happened",
            NUL: "The note has a null character (\\0) in it: type it again",
        },
    )

    def __init__(self, *args, referrer: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if referrer:
            self.fields["reason"].choices = list(REFERRER_REASONS.items())

    def add_service_errors(self, errors: dict[str | None, str]) -> None:
        for field, message in errors.items():
            self.add_error(field if field in self.fields else None, message)


class WithdrawalForm(WithdrawalRequestForm):
    """Staff withdrawing a contact: the reason, the other contact's reference for a
    duplicate (checked by the service: it must exist and be open to them), who asked
    and a note."""

    duplicate_of = forms.CharField(
        label="Reference of the contact this one duplicates",
        help_text="For example, FD-2026-000123",
        required=False,
        max_length=40,
        error_messages={NUL: "Enter a reference like FD-2026-000123"},
    )
    asked_by = forms.ChoiceField(
        label="Who asked for it to be withdrawn?",
        choices=WithdrawalAskedBy.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select who asked for it to be withdrawn",
            "invalid_choice": "Select who asked for it to be withdrawn",
        },
    )
    field_order = ["reason", "duplicate_of", "asked_by", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, referrer=False, **kwargs)
        self.fields["reason"].label = "Why is it being withdrawn?"
        self.fields["note"].label = "Note"
        self.fields["note"].help_text = "What happened, so anyone reading the record later knows."
        self.fields["duplicate_of"].widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false"}
        )

    def clean(self):
        data = super().clean()
        if (
            data.get("reason") == WithdrawalReason.DUPLICATE
            and not (data.get("duplicate_of") or "").strip()
        ):
            self.add_error("duplicate_of", "Enter the reference of the other contact")
        return data
