"""Forms for decision quality audits: grading against the rubric, drawing a week's
sample by hand, and a criterion of the rubric."""

from __future__ import annotations

from django import forms

from frontdoor.limits import LIMITS, LengthMessagesMixin
from referrals.fields import DateField
from screening.audits.services import CriterionGrade, CriterionInput
from screening.models_audits import AuditCriterion, AuditGrade

NUL = "null_characters_not_allowed"


def _grade_field(label: str, message: str, help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        help_text=help_text,
        choices=AuditGrade.choices,
        widget=forms.RadioSelect,
        error_messages={"required": message, "invalid_choice": message},
    )


class GradeForm(LengthMessagesMixin, forms.Form):
    """A grade and an optional comment for each criterion the rubric asks, then the
    decision overall and the feedback the screener reads."""

    grade = _grade_field("The decision overall", "Choose a grade for the decision overall")
    comments = forms.CharField(
        label="Feedback for the screener",
        help_text="What was done well and what to do differently. The screener who made "
        "the decision reads this.",
        widget=forms.Textarea({"rows": 6}),
        max_length=LIMITS.narrative,
        error_messages={"required": "Write your feedback for the screener"},
    )

    def __init__(self, *args, criteria: list[AuditCriterion], **kwargs):
        super().__init__(*args, **kwargs)
        self.asked = criteria
        fields = {}
        for criterion in criteria:
            fields[f"criterion_{criterion.pk}"] = _grade_field(
                criterion.title, f"Choose a grade for {criterion.title}", criterion.guidance
            )
            fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=f"Comment on {criterion.title} (optional)",
                required=False,
                widget=forms.Textarea({"rows": 2}),
                max_length=LIMITS.reason,
            )
        # The rubric first, in its order; the overall grade and feedback after.
        self.fields = {**fields, "grade": self.fields["grade"], "comments": self.fields["comments"]}
        # LengthMessagesMixin ran before these fields existed: their message here.
        for field in fields.values():
            if isinstance(field, forms.CharField):
                field.error_messages["max_length"] = (
                    f"A comment must be {field.max_length:,} characters or fewer "
                    "(it has %(show_value)s)"
                )

    def rows(self) -> list[tuple[AuditCriterion, forms.BoundField, forms.BoundField]]:
        return [(c, self[f"criterion_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.asked]

    def criteria(self) -> dict[int, CriterionGrade]:
        data = self.cleaned_data
        return {
            c.pk: CriterionGrade(data[f"criterion_{c.pk}"], data.get(f"comment_{c.pk}", ""))
            for c in self.asked
        }


class MoveForm(forms.Form):
    """Give an audit not yet graded to another manager who may grade it."""

    to = forms.TypedChoiceField(
        label="Give this audit to",
        coerce=int,
        error_messages={
            "required": "Choose the manager to give this audit to",
            "invalid_choice": "Choose a manager from the list",
        },
    )

    def __init__(self, *args, managers, **kwargs):
        super().__init__(*args, **kwargs)
        self.managers = {m.pk: m for m in managers}
        self.fields["to"].choices = [("", "Choose a manager")] + [
            (m.pk, m.full_name) for m in managers
        ]

    def manager(self):
        return self.managers[self.cleaned_data["to"]]


class DrawForm(forms.Form):
    week = DateField(
        label="A day in the week",
        past=True,
        help_text="Any day of the week, for example 23 11 2026",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["week"].error_messages["required"] = "Enter a day in the week to sample"


class CriterionForm(LengthMessagesMixin, forms.Form):
    title = forms.CharField(
        label="What it asks",
        max_length=200,
        help_text="A few words, for example Rationale",
        error_messages={
            "required": "Enter what the criterion asks",
            NUL: "What it asks has a null character (\\0) in it: type it again",
        },
    )
    guidance = forms.CharField(
        label="What a good decision shows (optional)",
        required=False,
        widget=forms.Textarea({"rows": 3}),
        max_length=LIMITS.reason,
        error_messages={NUL: "The guidance has a null character (\\0) in it: type it again"},
    )
    position = forms.IntegerField(
        label="Order",
        min_value=0,
        max_value=999,
        initial=0,
        help_text="Criteria are asked from the lowest number",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the order as a number, for example 6",
            "invalid": "Enter the order as a whole number, for example 6",
            "min_value": "Enter the order as a number from 0 to 999",
            "max_value": "Enter the order as a number from 0 to 999",
        },
    )
    is_active = forms.BooleanField(label="Asked in new audits", required=False, initial=True)

    def data_input(self) -> CriterionInput:
        data = self.cleaned_data
        return CriterionInput(
            title=data["title"],
            guidance=data["guidance"],
            position=data["position"],
            is_active=data["is_active"],
        )
