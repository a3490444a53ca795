"""The forms for multi-agency checks: ask an agency, with the basis for sharing the
family's information, and a manager's approval or refusal of one without consent."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from frontdoor.limits import LIMITS, LengthMessagesMixin
from frontdoor.models import Agency
from referrals.fields import DateField
from referrals.models import Contact, ContactSubject, Document
from screening.models_checks import CHECK_AGENCY_TYPES, SharingBasis
from screening.services_checks import Sharing, sharing_problems

NUL = "null_characters_not_allowed"
SOMEONE_ELSE = "someone_else"


class CheckRequestForm(LengthMessagesMixin, forms.Form):
    agency = forms.ModelChoiceField(
        label="Agency to ask",
        queryset=Agency.objects.filter(is_active=True, type__in=CHECK_AGENCY_TYPES),
        empty_label="Select an agency",
        error_messages={
            "required": "Select the agency to ask",
            "invalid_choice": "Select the agency to ask",
        },
    )
    question = forms.CharField(
        label="What do you need to know?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LIMITS.reason,
        error_messages={
            "required": "Enter what you need to know",
            NUL: "The question has a null character (\\0) in it: type it again",
        },
    )
    basis = forms.ChoiceField(
        label="On what basis is the family's information shared with this agency?",
        choices=[(basis.value, basis.label) for basis in SharingBasis.choosable()],
        widget=forms.RadioSelect,
        help_text=(
            "Ask for consent unless asking would put a child at risk of significant harm "
            "or prejudice an enquiry."
        ),
        error_messages={
            "required": "Select the basis for sharing the family's information",
            "invalid_choice": "Select the basis for sharing the family's information",
        },
    )
    consent_given_by = forms.ChoiceField(
        label="Who gave consent (with consent)",
        required=False,
        error_messages={"invalid_choice": "Select who gave consent, or name them"},
    )
    consent_given_by_name = forms.CharField(
        label="Their name and relationship, if not on the contact (optional)",
        help_text="For example, Jean Smith, maternal grandmother and special guardian.",
        required=False,
        max_length=LIMITS.short_text,
        error_messages={NUL: "The name has a null character (\\0) in it: type it again"},
    )
    consent_given_on = DateField(
        label="Date consent was given",
        past=True,
        required=False,
        help_text="For example, 27 3 2026",
    )
    basis_reason = forms.CharField(
        label="Why without consent (needed for another lawful reason)",
        help_text="Say what the risk is, or which enquiry asking would prejudice.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LIMITS.reason,
        error_messages={NUL: "The reason has a null character (\\0) in it: type it again"},
    )

    documents = forms.ModelMultipleChoiceField(
        label="Files to share with the agency (optional)",
        help_text="Only the files you tick are shown to the agency with your question.",
        queryset=Document.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select files attached to this contact"},
    )

    def __init__(self, *args, contact: Contact, shareable: list[Document] = (), **kwargs):
        self.contact = contact
        super().__init__(*args, **kwargs)
        # The contact's files scanned clean; with none, the question is asked alone.
        if shareable:
            self.fields["documents"].queryset = Document.objects.filter(
                pk__in=[d.pk for d in shareable]
            )
            self.fields["documents"].choices = [(d.pk, d.filename) for d in shareable]
        else:
            del self.fields["documents"]
        # The people on the contact, adults first: consent is usually a parent's.
        people = sorted(
            contact.subjects.all(),
            key=lambda s: (s.role in ContactSubject.CHILD_ROLES, s.position, s.pk),
        )
        self.subjects = {str(person.pk): person for person in people}
        self.fields["consent_given_by"].choices = [
            ("", "Select who gave consent"),
            *(
                (key, f"{person.full_name} ({person.get_role_display().lower()})")
                for key, person in self.subjects.items()
            ),
            (SOMEONE_ELSE, "Someone not on the contact (name them below)"),
        ]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if (
            cleaned.get("basis") == SharingBasis.CONSENT
            and cleaned.get("consent_given_by") == SOMEONE_ELSE
            and not cleaned.get("consent_given_by_name", "").strip()
        ):
            self.add_error("consent_given_by_name", "Enter the name of the person who gave consent")
            return cleaned
        for name, message in sharing_problems(
            self.sharing(), contact=self.contact, today=timezone.localdate()
        ).items():
            self.add_error(name if name in self.fields else None, message)
        return cleaned

    def sharing(self) -> Sharing:
        data = self.cleaned_data
        giver = self.subjects.get(data.get("consent_given_by") or "")
        return Sharing(
            basis=data.get("basis", ""),
            consent_given_by=giver,
            # A name typed beside a person chosen from the contact is not kept.
            consent_given_by_name="" if giver else data.get("consent_given_by_name", ""),
            consent_given_on=data.get("consent_given_on"),
            reason=data.get("basis_reason", ""),
        )

    def add_service_errors(self, errors: dict[str, str]) -> None:
        for name, message in errors.items():
            self.add_error(name if name in self.fields else None, message)


class CheckApprovalForm(LengthMessagesMixin, forms.Form):
    outcome = forms.ChoiceField(
        label="May this check be sent without the family's consent?",
        choices=[
            ("approve", "Yes, send it to the agency"),
            ("refuse", "No, do not send it"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether the check may be sent",
            "invalid_choice": "Select whether the check may be sent",
        },
    )
    comment = forms.CharField(
        label="Comment (needed when you refuse it)",
        help_text="The screener sees it on the contact.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LIMITS.reason,
        error_messages={NUL: "The comment has a null character (\\0) in it: type it again"},
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == "refuse" and not cleaned.get("comment", "").strip():
            self.add_error("comment", "Enter why the check may not be sent without consent")
        return cleaned
