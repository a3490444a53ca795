"""Forms for Operation Encompass pages."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from frontdoor.models import Agency
from frontdoor.phones import uk_phone_clean
from outcomes.encompass.directory import KIND_LABELS
from outcomes.encompass.selectors import STATUSES
from outcomes.models_encompass import EncompassNotice, School, TermCalendar


class NoticeFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Show", choices=[("", "All notices"), *STATUSES.items()], required=False
    )
    school = forms.CharField(label="School name or URN", max_length=200, required=False)


class SchoolChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, school: School) -> str:
        place = f", {school.postcode}" if school.postcode else ""
        return f"{school.name} ({school.urn}{place})"


class ConfirmSchoolForm(forms.Form):
    answer = forms.ChoiceField(
        label="Which school does the child attend?",
        choices=[
            ("school", "This school (choose it below)"),
            ("none", "No notice can go to a school"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the child attends a school in the directory"},
    )
    school = SchoolChoiceField(
        label="School or setting",
        queryset=School.objects.none(),
        required=False,
        error_messages={"invalid_choice": "Choose the child's school from the list"},
    )
    not_sent_reason = forms.ChoiceField(
        label="Why no notice can go",
        choices=EncompassNotice.NotSentReason.choices,
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args, schools=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools if schools is not None else School.objects.none()
        self.fields["school"].empty_label = "Choose the school"

    def clean(self):
        data = super().clean()
        if (
            data.get("answer") == "school"
            and not data.get("school")
            and "school" not in self.errors
        ):
            self.add_error("school", "Choose the child's school")
        if data.get("answer") == "none" and not data.get("not_sent_reason"):
            self.add_error("not_sent_reason", "Say why no notice can go")
        return data


class SchoolForm(forms.ModelForm):
    class Meta:
        model = School
        fields = [
            "key_adult_name",
            "key_adult_email",
            "key_adult_phone",
            "secure_email",
            "open_all_year",
            "is_early_years",
            "term_calendar",
            "agency",
        ]
        labels = {
            "key_adult_name": "Key Adult's name",
            "key_adult_email": "Key Adult's email",
            "key_adult_phone": "Key Adult's phone",
            "secure_email": "Secure email address",
            "open_all_year": "Open all year (notices are never held for holidays)",
            "is_early_years": "A registered early-years setting",
            "term_calendar": "Term dates",
            "agency": "Agency its staff refer under",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term_calendar"].queryset = TermCalendar.objects.all()
        self.fields["term_calendar"].empty_label = "The default calendar"
        self.fields["agency"].queryset = Agency.objects.filter(
            type=Agency.Type.EDUCATION, is_active=True
        )
        self.fields["agency"].empty_label = "No agency"

    def clean_key_adult_phone(self) -> str:
        return uk_phone_clean(self.cleaned_data["key_adult_phone"])

    def clean(self):
        data = super().clean()
        if not data.get("key_adult_email") and not data.get("secure_email") and not self.errors:
            raise ValidationError("Give the Key Adult's email or the school's secure email")
        return data


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="Which file is it?",
        choices=list(KIND_LABELS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Say which file it is"},
    )
    file = forms.FileField(
        label="CSV file", error_messages={"required": "Choose a CSV file to upload"}
    )


class CalendarForm(forms.Form):
    name = forms.CharField(
        label="Name of the new calendar",
        max_length=200,
        help_text="For example, the academy trust that sets its own term dates.",
        error_messages={"required": "Enter the calendar's name"},
    )


class TermsForm(forms.Form):
    lines = forms.CharField(
        label="Terms, one a line",
        help_text="Name, first day, last day: for example, Autumn 1, 2026-09-03, 2026-10-23",
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=20000,
        error_messages={"required": "Enter the terms, one a line"},
    )
    is_default = forms.BooleanField(
        label="The default calendar (for schools without their own)", required=False
    )
