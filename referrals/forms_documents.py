"""The form that attaches a file to a contact: on the referrer's contact page and the
screening contact page. The checks that matter (size, type, malware) are the service's,
shown on the file field."""

from __future__ import annotations

from django import forms

from frontdoor.limits import LengthMessagesMixin, in_megabytes, limits
from referrals.services.documents import DESCRIPTION_LIMIT, KINDS_IN_WORDS, DocumentUpload


class DocumentForm(LengthMessagesMixin, forms.Form):
    file = forms.FileField(
        label="File",
        error_messages={
            "required": "Select a file",
            "empty": "The selected file is empty",
            "invalid": "Select a file",
        },
    )
    description = forms.CharField(
        label="What is it? (optional)",
        help_text="For example, police report of 12 March, body map, school chronology",
        max_length=DESCRIPTION_LIMIT,
        required=False,
        error_messages={
            "null_characters_not_allowed": (
                "The description has a null character (\\0) in it: type it again"
            )
        },
    )

    @staticmethod
    def hint() -> str:
        largest = in_megabytes(limits().document_bytes)
        return f"{KINDS_IN_WORDS[0].upper()}{KINDS_IN_WORDS[1:]}, up to {largest}."

    def upload(self) -> DocumentUpload:
        uploaded = self.cleaned_data["file"]
        return DocumentUpload(
            filename=uploaded.name,
            data=uploaded.read(),
            description=self.cleaned_data["description"],
        )

    def add_refusal(self, field: str, message: str) -> None:
        self.add_error(field if field in self.fields else None, message)


class ReferralFileForm(DocumentForm):
    """The file a referrer may attach on the page that sends the referral: optional,
    checked and scanned before the referral is sent (views ``contact_check``)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].required = False
        self.fields["file"].label = "File (optional)"

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("description") and not cleaned.get("file") and "file" not in self.errors:
            self.add_error(
                "file", "Select the file your description is for, or delete the description"
            )
        return cleaned

    def upload(self) -> DocumentUpload | None:
        return super().upload() if self.cleaned_data.get("file") else None
