"""Forms for screening, in GOV.UK wording."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms

from frontdoor.census_codes import (
    ETHNICITY_NOT_OBTAINED,
    as_choices,
    census_code_choices,
    census_code_lists,
)
from frontdoor.limits import LIMITS, LengthMessagesMixin
from frontdoor.models import Agency
from referrals.models import Contact
from screening import selectors, services
from screening.models import (
    CHECK_AGENCY_TYPES,
    AdviceRecipient,
    Decision,
    OnwardService,
    Route,
    ThresholdLevel,
)
from screening.services import MINIMUM_RATIONALE_LENGTH

TEXT = {"rows": 3}


class SignsOfSafetyForm(LengthMessagesMixin, forms.Form):
    past_harm = forms.CharField(
        label="Past harm",
        required=False,
        widget=forms.Textarea(attrs=TEXT),
        max_length=LIMITS.narrative,
        help_text="What has happened to the child, and how do we know?",
    )
    danger_statement = forms.CharField(
        label="Danger statement",
        required=False,
        widget=forms.Textarea(attrs=TEXT),
        max_length=LIMITS.narrative,
        help_text="Who is worried, what they are worried could happen, to whom, and why.",
    )
    complicating_factors = forms.CharField(
        label="Complicating factors",
        required=False,
        widget=forms.Textarea(attrs=TEXT),
        max_length=LIMITS.narrative,
        help_text="What makes it harder to keep the child safe?",
    )
    strengths = forms.CharField(
        label="Existing strengths",
        required=False,
        widget=forms.Textarea(attrs=TEXT),
        max_length=LIMITS.narrative,
    )
    existing_safety = forms.CharField(
        label="Existing safety",
        required=False,
        widget=forms.Textarea(attrs=TEXT),
        max_length=LIMITS.narrative,
        help_text="Protective actions the family has shown over time.",
    )
    safety_goals = forms.CharField(
        label="Safety goals",
        required=False,
        widget=forms.Textarea(attrs=TEXT),
        max_length=LIMITS.narrative,
    )
    next_steps = forms.CharField(
        label="Next steps",
        required=False,
        widget=forms.Textarea(attrs=TEXT),
        max_length=LIMITS.narrative,
    )
    scaling = forms.TypedChoiceField(
        label="Scaling: how safe is the child?",
        help_text=(
            "10 means everyone knows the child is safe enough for the case to close; "
            "0 means things are so bad the child will be (re)harmed."
        ),
        choices=[("", "Not scored yet")] + [(str(n), str(n)) for n in range(11)],
        coerce=int,
        empty_value=None,
        required=False,
    )  # fmt: skip
    complex_flag = forms.BooleanField(
        label="Bring this contact to the complex-case meeting", required=False
    )
    complex_reason = forms.CharField(
        label="Why it needs the meeting (if so)",
        required=False,
        widget=forms.Textarea(attrs=TEXT),
        max_length=LIMITS.reason,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("complex_flag") and not cleaned.get("complex_reason", "").strip():
            self.add_error("complex_reason", "Enter why this contact needs the meeting")
        return cleaned


class ProceedWithoutChecksForm(LengthMessagesMixin, forms.Form):
    reason = forms.CharField(
        label="Why are you going ahead before every check is answered?",
        widget=forms.Textarea(attrs=TEXT),
        min_length=10,
        max_length=LIMITS.reason,
        error_messages={
            "required": "Enter why you are going ahead",
            "min_length": "Explain why you are going ahead in a sentence",
        },
    )


class DecisionForm(LengthMessagesMixin, forms.Form):
    route = forms.ChoiceField(
        label="Where does this contact go?",
        choices=Route.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select where the contact goes"},
    )
    threshold_level = forms.ModelChoiceField(
        label="Threshold level",
        queryset=ThresholdLevel.objects.filter(is_active=True),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Select the threshold level"},
    )
    rationale = forms.CharField(
        label="Rationale",
        widget=forms.Textarea(attrs={"rows": 6}),
        min_length=MINIMUM_RATIONALE_LENGTH,
        max_length=LIMITS.narrative,
        help_text=(
            "Why this route, in words that would stand up if the decision were questioned "
            "later: what you weighed, what the checks said, and why other routes were not right."
        ),
        error_messages={
            "required": "Enter the rationale for the decision",
            "min_length": "Explain the decision in more detail: what you weighed and why",
        },
    )
    is_complex = forms.BooleanField(
        label="This is a complex case for the multi-agency screening meeting", required=False
    )
    complex_reason = forms.CharField(
        label="Why is it complex? (if it is)",
        required=False,
        widget=forms.Textarea(attrs=TEXT),
        max_length=LIMITS.reason,
    )
    family_notice = forms.ChoiceField(
        label="Telling the family",
        choices=Decision.FamilyNotice.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to tell the family"},
    )
    withhold_reason = forms.CharField(
        label="Safeguarding reason for not telling the family (if so)",
        required=False,
        widget=forms.Textarea(attrs=TEXT),
        max_length=LIMITS.reason,
        help_text="For example, it could put the child at risk or prejudice a police inquiry.",
    )
    advice_given = forms.CharField(
        label="What advice was given? (for information and advice)",
        required=False,
        widget=forms.Textarea(attrs=TEXT),
        max_length=LIMITS.narrative,
        help_text="This goes in the notice to the referrer, in these words.",
    )
    advice_given_to = forms.MultipleChoiceField(
        label="Who was given the advice? (for information and advice)",
        required=False,
        choices=AdviceRecipient.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
    )
    service = forms.ModelChoiceField(
        label="Which service? (where the route has the council's own services)",
        queryset=OnwardService.objects.active(),
        required=False,
        empty_label="No named service",
        help_text="The council's service the contact goes to under the route selected.",
        error_messages={"invalid_choice": "Select a current service from the list"},
    )
    primary_need = forms.ChoiceField(
        label="Primary need (CIN census)",
        required=False,
        help_text=(
            "Needed for a referral to social care (an assessment or a strategy discussion): "
            "the main reason the child needs children's social care."
        ),
        error_messages={"invalid_choice": "Select a primary need from the list"},
    )

    def __init__(
        self,
        *args,
        year: int,
        primary_needs: list[tuple[str, str]] | None = None,
        consented: bool = True,
        **kwargs,
    ):
        """``year``: the contact's census return year, whose primary need codes apply;
        ``primary_needs``: those codes, when the page has read them already;
        ``consented``: whether the contact records the family's agreement."""
        super().__init__(*args, **kwargs)
        self.year = year
        self.consented = consented
        routes = dict(Route.choices)
        self.fields["service"].label_from_instance = lambda service: (
            f"{routes.get(service.route, service.route)}: {service.name}"
            + (" (needs the family's consent)" if service.needs_consent else "")
        )
        if primary_needs is None:
            primary_needs = census_code_choices("primary_need", year)
        self.fields["primary_need"].choices = [("", "Select the primary need"), *primary_needs]

    def clean(self):
        """The service's rules for what a decision must say, each message shown on the
        field it concerns (only where the field has no error of its own already)."""
        cleaned = super().clean()
        try:
            services.decision_check(
                year=self.year,
                route=cleaned.get("route", ""),
                rationale=cleaned.get("rationale", ""),
                family_notice=cleaned.get("family_notice", ""),
                withhold_reason=cleaned.get("withhold_reason", ""),
                is_complex=cleaned.get("is_complex", False),
                complex_reason=cleaned.get("complex_reason", ""),
                primary_need=cleaned.get("primary_need", ""),
                advice_given=cleaned.get("advice_given", ""),
                advice_given_to=cleaned.get("advice_given_to", ()),
                service=cleaned.get("service"),
                consented=self.consented,
            )
        except services.DecisionRefused as refused:
            self.add_service_errors(refused)
        return cleaned

    def add_service_errors(self, refused: services.DecisionRefused) -> None:
        for field, message in refused.errors.items():
            if field not in self.errors:
                self.add_error(field, message)


DISABILITY_NONE = "NONE"


@dataclass(frozen=True)
class CensusChoices:
    ethnicity: list[tuple[str, str]]
    disability: list[tuple[str, str]]
    primary_need: list[tuple[str, str]]


def census_choices(year: int) -> CensusChoices:
    """The contact page's code lists for its return year, read in one query."""
    lists = census_code_lists(("ethnicity", "disability", "primary_need"), year)
    # Blank is "not yet obtained" (what NOBT codes in a return), so NOBT is not
    # offered twice.
    return CensusChoices(
        ethnicity=[("", "Not yet obtained")]
        + [c for c in as_choices(lists["ethnicity"]) if c[0] != ETHNICITY_NOT_OBTAINED],
        disability=as_choices(lists["disability"]),
        primary_need=as_choices(lists["primary_need"]),
    )


class ChildCensusForm(forms.Form):
    """A child's ethnicity and disabilities, as the CIN census and Annex A code them."""

    ethnicity = forms.ChoiceField(
        label="Ethnicity",
        required=False,
        help_text="As the child or family describe it. Leave as not yet obtained if unknown.",
        error_messages={"invalid_choice": "Select the child's ethnicity from the list"},
    )
    disabilities = forms.MultipleChoiceField(
        label="Disabilities",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply, or 'No disability'. Leave blank if not yet known.",
        error_messages={"invalid_choice": "Select disabilities from the list"},
    )

    def __init__(self, *args, choices: CensusChoices, **kwargs):
        """``choices``: the code lists of the contact's return year (``census_choices``),
        read once for all the children on the page."""
        super().__init__(*args, **kwargs)
        self.fields["ethnicity"].choices = choices.ethnicity
        self.fields["disabilities"].choices = choices.disability

    def clean_disabilities(self):
        codes = self.cleaned_data["disabilities"]
        if DISABILITY_NONE in codes and len(codes) > 1:
            raise forms.ValidationError(
                "Select 'No disability' on its own, or only the disabilities the child has"
            )
        return codes


class ApprovalForm(LengthMessagesMixin, forms.Form):
    outcome = forms.ChoiceField(
        label="Your decision",
        choices=[("approve", "Approve"), ("return", "Return to the screener")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select approve or return"},
    )
    comment = forms.CharField(
        label="Comment (needed when you return it)",
        required=False,
        widget=forms.Textarea(attrs=TEXT),
        max_length=LIMITS.reason,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == "return" and not cleaned.get("comment", "").strip():
            self.add_error("comment", "Enter what the screener needs to look at again")
        return cleaned


class CheckAnswerForm(LengthMessagesMixin, forms.Form):
    response = forms.CharField(
        label="What your agency knows",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=LIMITS.narrative,
        help_text="Include dates and sources. If your agency knows nothing, say so.",
        error_messages={"required": "Enter what your agency knows, or that it knows nothing"},
    )


class _Once:
    """A list of choices worked out on first use and kept (a field's choices may be a
    callable, which Django calls each time they are read: drawing and checking)."""

    def __init__(self, make):
        self._make = make
        self._made = None

    def __call__(self):
        if self._made is None:
            self._made = self._make()
        return self._made


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any")]
        + [
            (value, label)
            for value, label in Contact.Status.choices
            if value not in ("decided", "closed", "withdrawn")
        ],
    )
    rag = forms.ChoiceField(
        label="Time left",
        required=False,
        choices=[
            ("", "Any"),
            ("red", "Overdue"),
            ("breaching", "About to be overdue"),  # the hours are added in __init__
            ("amber", "Due soon"),
            ("green", "On time"),
        ],
    )
    channel = forms.ChoiceField(
        label="Channel", required=False, choices=[("", "Any"), *Contact.Channel.choices]
    )
    source_agency = forms.ChoiceField(label="Source agency", required=False)
    assigned = forms.ChoiceField(label="Screener", required=False)
    overdue_checks = forms.ChoiceField(label="Checks overdue from", required=False)
    immediate = forms.BooleanField(label="Immediate risk only", required=False)
    complex = forms.BooleanField(label="Complex cases only", required=False)
    re_referral = forms.BooleanField(label="Re-referrals only", required=False)

    def __init__(self, *args, screeners=(), check_agencies=None, **kwargs):
        """``screeners`` and ``check_agencies``: whom and which agencies the queue may be
        filtered by (screening.selectors.queue_choices); by default the active agencies
        asked for checks. The lists are read when first needed: drawing the form, or a
        filter given to check. A poll of the queue that filters by neither (almost every
        one) reads no agency at all."""
        super().__init__(*args, **kwargs)
        agencies = _Once(lambda: list(Agency.objects.filter(is_active=True)))
        self.fields["source_agency"].choices = _Once(
            lambda: [("", "Any")] + [(str(agency.pk), agency.name) for agency in agencies()]
        )
        checked = _Once(
            lambda: (
                [a for a in agencies() if a.type in CHECK_AGENCY_TYPES]
                if check_agencies is None
                else list(check_agencies)
            )
        )
        self.fields["overdue_checks"].choices = _Once(
            lambda: (
                [("", "No filter"), ("any", "Any agency")]
                + [(str(agency.pk), agency.name) for agency in checked()]
            )
        )
        self.fields["assigned"].choices = _Once(
            lambda: (
                [
                    ("", "Anyone"),
                    ("me", "Me"),
                    ("unassigned", "Not taken"),
                ]
                + [(str(user.pk), user.full_name) for user in screeners]
            )
        )
        self.fields["rag"].choices = [
            (
                value,
                f"Overdue within {selectors.breaching_within_words()}"
                if value == "breaching"
                else label,
            )
            for value, label in self.fields["rag"].choices
        ]
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = (
                "This filter was not used: choose one from the list"
            )
