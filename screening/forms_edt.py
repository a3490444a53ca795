"""The emergency duty team's handover form (docs/adr/0044). The service checks the
words again (``handover_problems``); a refusal goes on its field, with what was typed
kept."""

from __future__ import annotations

from django import forms

from frontdoor.limits import LengthMessagesMixin
from screening.services_edt import PART_LIMIT

NUL = "null_characters_not_allowed"


class HandoverForm(LengthMessagesMixin, forms.Form):
    what_was_done = forms.CharField(
        label="What did the emergency duty team do?",
        help_text="Calls made, visits, police involvement, where the children are now.",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=PART_LIMIT,
        error_messages={
            "required": "Enter what the emergency duty team did",
            NUL: "What was done has a null character (\\0) in it: type it again",
        },
    )
    for_the_day_team = forms.CharField(
        label="What should the day team do first? (optional)",
        help_text="For example, call the school at 9am; the strategy discussion is needed today.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=PART_LIMIT,
        required=False,
        error_messages={
            NUL: "What the day team should do has a null character (\\0) in it: type it again"
        },
    )

    def add_service_errors(self, errors: dict[str | None, str]) -> None:
        for field, message in errors.items():
            self.add_error(field if field in self.fields else None, message)
