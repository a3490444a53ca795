from django import forms
from django.contrib.auth.forms import AuthenticationForm

from frontdoor.phones import uk_phone_clean


class SignInForm(AuthenticationForm):
    """Email and password, with GOV.UK wording for every error."""

    username = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )

    error_messages = {
        "invalid_login": "Enter a correct email address and password",
        "inactive": "This account has been closed. Ask your Front Door administrator to reopen it",
    }


def _code_field(label: str, required_message: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text="The 6 numbers it shows now, for example 123456",
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
        error_messages={"required": required_message},
    )


def _six_digits(value: str) -> str:
    code = "".join(value.split())
    if not (code.isascii() and code.isdigit()) or len(code) != 6:
        raise forms.ValidationError("Enter the code as 6 numbers, for example 123456")
    return code


class TwoFactorCodeForm(forms.Form):
    code = _code_field(
        "Code from your authenticator app", "Enter the 6-number code from your authenticator app"
    )

    def clean_code(self) -> str:
        return _six_digits(self.cleaned_data["code"])


class TwoFactorSetupForm(TwoFactorCodeForm):
    """Setting up an app; replacing one also asks for a code from the app in use now."""

    current_code = _code_field(
        "Code from the app you use now",
        "Enter the 6-number code from the authenticator app you use now",
    )

    field_order = ["current_code", "code"]

    def __init__(self, *args, replacing: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if replacing:
            self.fields["code"].label = "Code from your new authenticator app"
        else:
            del self.fields["current_code"]

    def clean_current_code(self) -> str:
        return _six_digits(self.cleaned_data["current_code"])


class PhoneForm(forms.Form):
    """The phone number someone keeps on their account (frontdoor.phones)."""

    phone = forms.CharField(
        label="Your telephone number",
        help_text="A UK number the front door can call you back on, for example 01632 960 001 "
        "or 07700 900 982. Leave it empty to remove it.",
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        error_messages={
            "max_length": "Your telephone number must be 30 characters or fewer",
            "null_characters_not_allowed": "Enter a UK telephone number, like 01632 960 001 "
            "or 07700 900 982",
        },
    )

    def clean_phone(self) -> str:
        return uk_phone_clean(self.cleaned_data["phone"])
