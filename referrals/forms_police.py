"""The police notification form for seconded police staff (docs/adr/0037): the
incident, then up to ``CHILD_SLOTS`` children and ``ADULT_SLOTS`` adults (blank ones
are left out), and the household's address. Everything is checked again by
``police_notification_record``; a refusal goes on its field with what was typed kept.
The CSV import's row parser lives with the import (``referrals.police_import``)."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.utils import timezone

from frontdoor.limits import LIMITS, LengthMessagesMixin
from frontdoor.london import NoSuchLondonTime, london_wall_clock
from referrals.fields import DateField
from referrals.models import ContactSubject, IncidentType, Involvement, RiskGrade
from referrals.services.inputs import SubjectInput
from referrals.services.police import PoliceDetails, PoliceNotificationInput
from referrals.validators import POLICE_REFERENCE, check_date_of_birth, clean_postcode

CHILD_SLOTS = 4
ADULT_SLOTS = 3
NUL = "null_characters_not_allowed"
TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")
# A reference or incident number: the one rule (referrals.validators).
REFERENCE = POLICE_REFERENCE
FAMILY_TOLD = [("yes", "Yes"), ("no", "No"), ("unknown", "The officer did not say")]
ADULT_INVOLVEMENTS = [
    (Involvement.VICTIM, Involvement.VICTIM.label),
    (Involvement.ALLEGED_PERPETRATOR, Involvement.ALLEGED_PERPETRATOR.label),
    (Involvement.WITNESS, Involvement.WITNESS.label),
    (Involvement.OTHER_ADULT, Involvement.OTHER_ADULT.label),
]


def _nul(what: str) -> dict[str, str]:
    return {NUL: f"{what} has a null character (\\0) in it: type it again"}


def reference_check(value: str, what: str) -> str:
    value = value.strip()
    if value and not REFERENCE.match(value):
        raise forms.ValidationError(
            f"{what} must start with a letter or number and use only letters, numbers, "
            "spaces and / _ . -"
        )
    return value


class PoliceIncidentForm(LengthMessagesMixin, forms.Form):
    police_reference = forms.CharField(
        label="Police reference",
        max_length=50,
        help_text="The force's reference for this notification, for example NY-24-012345.",
        error_messages={"required": "Enter the police reference", **_nul("The reference")},
    )
    incident_number = forms.CharField(
        label="Incident number (optional)",
        max_length=50,
        required=False,
        error_messages=_nul("The incident number"),
    )
    incident_date = DateField(label="Date of the incident", past=True)
    incident_time = forms.CharField(
        label="Time of the incident",
        max_length=5,
        help_text="24-hour clock, for example 22:15",
        error_messages={"required": "Enter the time of the incident", **_nul("The time")},
    )
    incident_type = forms.ChoiceField(
        label="Type of incident",
        choices=IncidentType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of incident"},
    )
    risk_grade = forms.ChoiceField(
        label="Officer's risk grade",
        choices=RiskGrade.choices,
        widget=forms.RadioSelect,
        help_text="As graded by the attending officer (DASH).",
        error_messages={"required": "Select the risk grade"},
    )
    officer_name = forms.CharField(
        label="Attending officer (optional)",
        max_length=LIMITS.short_text,
        required=False,
        error_messages=_nul("The officer's name"),
    )
    officer_account = forms.CharField(
        label="Officer's account",
        help_text="What the officer found and did.",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=LIMITS.narrative,
        error_messages={"required": "Enter the officer's account", **_nul("The account")},
    )
    family_told = forms.ChoiceField(
        label="Was the family told police would share this?",
        choices=FAMILY_TOLD,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the family was told"},
    )
    address = forms.CharField(
        label="Address of the household (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LIMITS.address,
        required=False,
        error_messages=_nul("The address"),
    )
    postcode = forms.CharField(
        label="Postcode (optional)",
        max_length=LIMITS.postcode,
        required=False,
        error_messages=_nul("The postcode"),
    )

    def clean_police_reference(self):
        return reference_check(self.cleaned_data["police_reference"], "The police reference")

    def clean_incident_number(self):
        return reference_check(self.cleaned_data["incident_number"], "The incident number")

    def clean_incident_time(self):
        found = TIME.match(self.cleaned_data["incident_time"].strip())
        if not found:
            raise forms.ValidationError("Enter the time of the incident like 22:15")
        return datetime.time(int(found[1]), int(found[2]))

    def clean_postcode(self):
        value = self.cleaned_data["postcode"]
        try:
            return clean_postcode(value) if value.strip() else ""
        except forms.ValidationError as wrong:
            raise forms.ValidationError(wrong.messages[0]) from None

    def clean(self):
        data = super().clean()
        day, time = data.get("incident_date"), data.get("incident_time")
        if day and time:
            try:
                moment = london_wall_clock(day, time)
            except NoSuchLondonTime as wrong:
                self.add_error("incident_time", str(wrong))
                return data
            if moment > timezone.now():
                self.add_error("incident_time", "The incident cannot be in the future")
            data["incident_at"] = moment
        return data


class PersonSlotForm(LengthMessagesMixin, forms.Form):
    """One child or adult; a slot left blank is no one."""

    first_name = forms.CharField(
        label="First name", max_length=LIMITS.name, required=False, error_messages=_nul("The name")
    )
    last_name = forms.CharField(
        label="Last name", max_length=LIMITS.name, required=False, error_messages=_nul("The name")
    )
    date_of_birth = DateField(label="Date of birth", past=True, required=False)
    adult = False

    def is_blank(self) -> bool:
        """Nothing typed or chosen in this slot (its fields all share its prefix)."""
        if not self.is_bound:
            return True
        prefix = self.add_prefix("")
        return not any(
            str(value).strip() for key, value in self.data.items() if key.startswith(prefix)
        )

    def clean(self):
        data = super().clean()
        if self.is_blank():
            return data
        for name in ("first_name", "last_name"):
            if not (data.get(name) or "").strip() and name not in self.errors:
                self.add_error(name, f"Enter their {name.replace('_', ' ')}")
        born = data.get("date_of_birth")
        if born:
            try:
                check_date_of_birth(born, adult=self.adult)
            except forms.ValidationError as wrong:
                self.add_error("date_of_birth", wrong.messages[0])
        return data


class ChildSlotForm(PersonSlotForm):
    involvement = forms.ChoiceField(
        label="Was the child there?",
        choices=[
            (Involvement.CHILD_PRESENT, "Present at the incident"),
            (Involvement.CHILD_RESIDENT, "Normally lives there, not present"),
        ],
        widget=forms.RadioSelect,
        required=False,
    )
    child_said = forms.CharField(
        label="What the child said (optional)",
        help_text="In their own words, as the officer recorded them.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LIMITS.narrative,
        required=False,
        error_messages=_nul("What the child said"),
    )

    def clean(self):
        data = super().clean()
        if not self.is_blank() and not data.get("involvement"):
            self.add_error("involvement", "Select whether the child was there")
        return data


class AdultSlotForm(PersonSlotForm):
    adult = True
    involvement = forms.ChoiceField(
        label="How were they involved?",
        choices=[("", "Select how"), *ADULT_INVOLVEMENTS],
        required=False,
    )
    relationship_to_children = forms.CharField(
        label="Relationship to the children (optional)",
        max_length=LIMITS.short_text,
        required=False,
        error_messages=_nul("The relationship"),
    )

    def clean(self):
        data = super().clean()
        if not self.is_blank() and not data.get("involvement"):
            self.add_error("involvement", "Select how they were involved")
        return data


class PoliceNotificationForms:
    """The incident form and the people's slot forms, checked and turned into input."""

    def __init__(self, data=None):
        self.incident = PoliceIncidentForm(data, prefix="incident")
        self.children = [ChildSlotForm(data, prefix=f"child-{i}") for i in range(CHILD_SLOTS)]
        self.adults = [AdultSlotForm(data, prefix=f"adult-{i}") for i in range(ADULT_SLOTS)]
        self.errors_outside: list[str] = []

    @property
    def all_forms(self) -> list[forms.Form]:
        return [self.incident, *self.children, *self.adults]

    def is_valid(self) -> bool:
        valid = all([form.is_valid() for form in self.all_forms])
        if valid and all(form.is_blank() for form in self.children):
            self.children[0].add_error("first_name", "Enter at least one child")
            return False
        return valid

    def to_input(self, *, officer_fallback: str) -> PoliceNotificationInput:
        incident = self.incident.cleaned_data
        told = {"yes": True, "no": False}.get(incident["family_told"])
        officer = incident["officer_name"].strip() or officer_fallback
        subjects, involvements = [], []
        for form in self.children:
            if form.is_blank():
                continue
            data = form.cleaned_data
            said = data["child_said"].strip()
            subjects.append(
                SubjectInput(
                    role=ContactSubject.Role.CHILD,
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    date_of_birth=data["date_of_birth"],
                    address=incident["address"],
                    postcode=incident["postcode"],
                    child_seen=True if said else None,
                    child_seen_on=timezone.localdate(incident["incident_at"]) if said else None,
                    child_seen_by=officer if said else "",
                    child_said=said,
                )
            )
            involvements.append(data["involvement"])
        for form in self.adults:
            if form.is_blank():
                continue
            data = form.cleaned_data
            subjects.append(
                SubjectInput(
                    role=ContactSubject.Role.ALLEGED_PERPETRATOR
                    if data["involvement"] == Involvement.ALLEGED_PERPETRATOR
                    else ContactSubject.Role.OTHER_ADULT,
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    date_of_birth=data["date_of_birth"],
                    address=incident["address"],
                    postcode=incident["postcode"],
                    relationship_to_children=data["relationship_to_children"],
                )
            )
            involvements.append(data["involvement"])
        return PoliceNotificationInput(
            details=PoliceDetails(
                police_reference=incident["police_reference"],
                incident_number=incident["incident_number"],
                incident_at=incident["incident_at"],
                incident_type=incident["incident_type"],
                risk_grade=incident["risk_grade"],
                officer_account=incident["officer_account"],
                officer_name=incident["officer_name"],
                family_told=told,
            ),
            subjects=subjects,
            involvements=involvements,
        )
