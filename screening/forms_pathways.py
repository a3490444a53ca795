"""A specialist pathway's short form and its outcome form (docs/adr/0046): the
fields each pathway asks come from its configuration (screening/pathways.py)."""

from __future__ import annotations

from django import forms

from frontdoor.limits import LIMITS, LengthMessagesMixin
from referrals.fields import DateField
from referrals.models import ContactSubject
from referrals.services import ReferrerInput, SubjectInput
from screening.pathways import (
    CONCERNS_MISSING,
    DUE_ON_MISSING,
    NOTE_MISSING,
    OUTCOME_MISSING,
    TEAM_MISSING,
    PathwayConfig,
    missing,
)
from screening.services_pathways import PathwayInput

TEXT = {"rows": 3}
LONG_FIELDS = ("organisation_contact", "request")


class ServiceErrors:
    """Shows a ``PathwayRefused``'s messages: each on its field (unless the form's own
    check already put one there), the rest above the form."""

    def add_service_errors(self, errors: dict[str, str]) -> None:
        for field, message in errors.items():
            target = field if field in self.fields else None
            if target is None or field not in self.errors:
                self.add_error(target, message)


class PathwayForm(ServiceErrors, LengthMessagesMixin, forms.Form):
    concerns = forms.CharField(
        label="What were we told?",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=LIMITS.narrative,
        error_messages={"required": CONCERNS_MISSING},
    )
    child_first_name = forms.CharField(label="Child's first name", max_length=100, required=False)
    child_last_name = forms.CharField(label="Child's last name", max_length=100, required=False)
    child_date_of_birth = DateField(label="Child's date of birth", past=True, required=False)
    referrer_name = forms.CharField(label="Who told us", max_length=200)
    referrer_role = forms.CharField(label="Their role", max_length=200, required=False)
    referrer_organisation = forms.CharField(
        label="Their organisation", max_length=200, required=False
    )
    referrer_phone = forms.CharField(label="Their phone number", max_length=30, required=False)
    referrer_email = forms.EmailField(label="Their email address", required=False)

    def __init__(self, *args, config: PathwayConfig, **kwargs):
        super().__init__(*args, **kwargs)
        self.config = config
        self.fields["referrer_name"].error_messages["required"] = "Enter who told us"
        for name, label in config.fields.items():
            if name == "due_on":
                self.fields[name] = DateField(label=label)
                self.fields[name].error_messages["required"] = DUE_ON_MISSING
            elif name == "team":
                self.fields[name] = forms.ChoiceField(
                    label=label,
                    choices=[(team, team) for team in config.teams],
                    widget=forms.RadioSelect,
                    error_messages={"required": TEAM_MISSING},
                )
            else:
                long = name in LONG_FIELDS
                self.fields[name] = forms.CharField(
                    label=label,
                    max_length=LIMITS.narrative if long else 200,
                    widget=forms.Textarea(attrs=TEXT) if long else forms.TextInput,
                    error_messages={"required": missing(label)},
                )
        if config.pathway != "lado":
            for name in ("child_first_name", "child_last_name"):
                self.fields[name].required = True
                self.fields[name].error_messages["required"] = missing(
                    f"the {self.fields[name].label[0].lower()}{self.fields[name].label[1:]}"
                )
        else:
            self.fields["child_first_name"].help_text = "If the allegation names a child."

    @property
    def detail_fields(self):
        return [self[name] for name in self.config.fields]

    def pathway_input(self) -> PathwayInput:
        data = self.cleaned_data
        children = []
        if data.get("child_first_name") or data.get("child_last_name"):
            children.append(
                SubjectInput(
                    role=ContactSubject.Role.CHILD,
                    first_name=data["child_first_name"],
                    last_name=data["child_last_name"],
                    date_of_birth=data.get("child_date_of_birth"),
                )
            )
        return PathwayInput(
            concerns=data["concerns"],
            children=children,
            referrer=ReferrerInput(
                name=data["referrer_name"],
                role=data["referrer_role"],
                organisation=data["referrer_organisation"],
                phone=data["referrer_phone"],
                email=data["referrer_email"],
            ),
            details={name: data.get(name) or "" for name in self.config.fields if name != "due_on"},
            due_on=data.get("due_on"),
        )


class PathwayOutcomeForm(ServiceErrors, LengthMessagesMixin, forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        widget=forms.RadioSelect,
        error_messages={"required": OUTCOME_MISSING},
    )
    note = forms.CharField(
        label="What was done, or what was shared",
        widget=forms.Textarea(attrs=TEXT),
        max_length=LIMITS.narrative,
        error_messages={"required": NOTE_MISSING},
    )

    def __init__(self, *args, config: PathwayConfig, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = config.outcomes
