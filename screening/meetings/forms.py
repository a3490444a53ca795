"""Forms for the complex-case meeting: a case's outcome and actions, the meeting's
guests without accounts, and the partner agencies' information."""

from __future__ import annotations

from django import forms

from frontdoor.limits import LIMITS, LengthMessagesMixin
from frontdoor.models import Agency, User
from referrals.fields import DateField
from screening.meetings import selectors
from screening.meetings.services import ActionInput
from screening.models import ComplexCaseEntry, Route, ThresholdLevel


class _OwnerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name}, {obj.agency.name}" if obj.agency_id else obj.full_name


class ActionFields(LengthMessagesMixin, forms.Form):
    """What needs doing, by whom and by when: an action of the meeting."""

    action_description = forms.CharField(
        label="What needs doing",
        required=False,
        widget=forms.Textarea({"rows": 2}),
        max_length=LIMITS.reason,
    )
    action_owner = _OwnerChoice(
        label="Who will do it",
        queryset=User.objects.none(),
        required=False,
        empty_label="Select a person",
        error_messages={"invalid_choice": "Select someone from the list"},
    )
    action_due_on = DateField(
        label="Date it is due", required=False, past=False, help_text="For example, 27 3 2027"
    )
    action_required = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action_owner"].queryset = selectors.action_owners()

    def clean(self):
        cleaned = super().clean()
        given = [
            name
            for name in ("action_description", "action_owner", "action_due_on")
            if cleaned.get(name)
        ]
        if (given or self.action_required) and not self.errors:
            messages = {
                "action_description": "Enter what needs doing",
                "action_owner": "Select who will do it",
                "action_due_on": "Enter the date it is due",
            }
            for name, message in messages.items():
                if not cleaned.get(name):
                    self.add_error(name, message)
        return cleaned

    def action(self) -> ActionInput | None:
        data = self.cleaned_data
        if not data.get("action_description"):
            return None
        return ActionInput(
            description=data["action_description"],
            owner=data["action_owner"],
            due_on=data["action_due_on"],
        )


class OutcomeForm(ActionFields):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[
            (ComplexCaseEntry.Outcome.DECISION, "Decided: the screener records it as the decision"),
            (
                ComplexCaseEntry.Outcome.MORE_INFORMATION,
                "More information needed (comes back to the next meeting)",
            ),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome"},
    )
    agreed_route = forms.ChoiceField(
        label="Route the meeting agreed",
        choices=Route.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    agreed_threshold = forms.ModelChoiceField(
        label="Threshold level (optional)",
        queryset=ThresholdLevel.objects.order_by("number"),
        required=False,
        widget=forms.RadioSelect,
    )
    agreed_reasoning = forms.CharField(
        label="Why the meeting agreed it",
        required=False,
        widget=forms.Textarea({"rows": 4}),
        max_length=LIMITS.narrative,
        help_text="The screener's decision form starts from this.",
    )
    actions = forms.CharField(
        label="Notes of the discussion (optional)",
        required=False,
        widget=forms.Textarea({"rows": 2}),
        max_length=LIMITS.reason,
    )

    field_order = [
        "outcome",
        "agreed_route",
        "agreed_threshold",
        "agreed_reasoning",
        "action_description",
        "action_owner",
        "action_due_on",
        "actions",
    ]


class ActionForm(ActionFields):
    action_required = True


class GuestForm(LengthMessagesMixin, forms.Form):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter their name"}
    )
    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=Agency.objects.filter(is_active=True).order_by("name"),
        empty_label="Select their agency",
        error_messages={
            "required": "Select their agency",
            "invalid_choice": "Select their agency from the list",
        },
    )
    role = forms.CharField(label="Role (optional)", max_length=200, required=False)


class ContributionForm(LengthMessagesMixin, forms.Form):
    information = forms.CharField(
        label="What your agency knows",
        widget=forms.Textarea({"rows": 3}),
        max_length=LIMITS.narrative,
    )
