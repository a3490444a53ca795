from django import forms

from outcomes.models_alerts import AlertPreference

CHOOSE = "Select how you want your alerts emailed"


class AlertPreferenceForm(forms.Form):
    delivery = forms.ChoiceField(
        label="How do you want your alerts emailed?",
        help_text="Each email gives a contact's reference and a link, never a name. "
        "Your alerts are on your home page either way.",
        choices=AlertPreference.Delivery.choices,
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE, "invalid_choice": CHOOSE},
    )
