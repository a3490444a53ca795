"""The family's postal address for letters, as GOV.UK's address pattern asks for it."""

from __future__ import annotations

from django import forms

from frontdoor.limits import LengthMessagesMixin
from referrals.models.family_address import ADDRESS_LINE_LENGTH
from referrals.selectors_family_address import LetterAddress

NUL = "null_characters_not_allowed"
LINE_FIELDS = ("line_1", "line_2", "town", "county")


def _line(label: str, *, required: bool = False, message: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        # Room to type more than fits, so an over-long line gets its own message.
        max_length=ADDRESS_LINE_LENGTH,
        error_messages={
            "required": message,
            NUL: f"{label.removesuffix(' (optional)')} has a character that cannot be printed",
        },
    )


class FamilyAddressForm(LengthMessagesMixin, forms.Form):
    addressee = forms.CharField(
        label="Name on the letter",
        help_text="A parent or carer, for example Ms Dawn Harrison, or “The parent or carer "
        "of Leo Harrison”.",
        max_length=ADDRESS_LINE_LENGTH,
        error_messages={
            "required": "Enter the name to put on the letter",
            NUL: "The name on the letter has a character that cannot be printed",
        },
    )
    line_1 = _line("Address line 1", required=True, message="Enter the first line of the address")
    line_2 = _line("Address line 2 (optional)")
    town = _line("Town or city", required=True, message="Enter the town or city")
    county = _line("County (optional)")
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        error_messages={
            "required": "Enter the postcode",
            NUL: "Enter a real postcode, like YO1 7HH",
        },
    )

    def lines(self) -> list[tuple[str, str]]:
        return [(name, self.cleaned_data[name]) for name in LINE_FIELDS]

    @staticmethod
    def initial_from(address: LetterAddress | None) -> dict:
        if address is None:
            return {}
        lines = list(address.lines)
        # A referrer's address may have more lines than the form: the middle ones share
        # the second line, and the last is the town.
        town = lines.pop() if len(lines) > 1 else ""
        first = lines.pop(0) if lines else ""
        return {
            "addressee": address.addressee,
            "line_1": first,
            "line_2": ", ".join(lines),
            "town": town,
            "postcode": address.postcode,
        }
