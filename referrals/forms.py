"""Forms for recording a contact, in GOV.UK wording.

One long form with sections (children, adults, the concern, the family) rather
than one question per page: the people who fill it in (designated safeguarding
leads, officers, health visitors, screeners on the phone) know the whole story at
once, need to see it together, and move between sections as they write. Each
section still follows GOV.UK patterns, errors are listed in an error summary, and
every submission (valid or not) is saved as a draft so nothing typed is lost.
"""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from frontdoor.limits import LIMITS, LengthMessagesMixin, too_many
from frontdoor.models import Agency, ReferralSource
from referrals.models import ConcernCategory, Contact, ContactSubject, Sex
from referrals.services import (
    RESTRICTION_REVIEW_EVERY,
    ContactInput,
    ReferrerInput,
    SubjectInput,
)
from referrals.validators import (
    check_date_of_birth,
    check_expected_date_of_birth,
    check_in_range,
    check_nhs_numbers_distinct,
    clean_nhs_number,
    clean_phone,
    clean_postcode,
    clean_unique_pupil_number,
)


class DateInputWidget(forms.MultiWidget):
    """GOV.UK date input: day, month and year boxes."""

    template_name = "govuk/widgets/date_input.html"

    def __init__(self, attrs=None):
        box = {"inputmode": "numeric"}
        super().__init__([forms.TextInput(box), forms.TextInput(box), forms.TextInput(box)], attrs)

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class DateField(forms.MultiValueField):
    """A whole date from three boxes, with the GOV.UK error for each way it goes wrong."""

    widget = DateInputWidget

    def __init__(self, *, label: str, past: bool | None = None, **kwargs):
        self.past = past
        self.noun = label
        # Sub-fields are optional so compress() can say which part is missing.
        fields = tuple(forms.CharField(required=False) for _ in range(3))
        super().__init__(fields, require_all_fields=False, label=label, **kwargs)
        self.error_messages["required"] = f"Enter {label.lower()}"
        self.error_messages["incomplete"] = f"Enter {label.lower()}"

    def compress(self, values):
        if not values or not any(str(v or "").strip() for v in values):
            return None
        day, month, year = (str(v or "").strip() for v in values)
        missing = [name for name, v in (("day", day), ("month", month), ("year", year)) if not v]
        if missing:
            raise ValidationError(f"{self.noun} must include a {' and '.join(missing)}")
        # Digits first: int() takes "1_000" and " 7", and a year like 99999999999
        # overflowed datetime.date (a 500) before its length was looked at.
        if not all(part.isascii() and part.isdigit() for part in (day, month, year)):
            raise ValidationError(f"{self.noun} must be a real date")
        if len(year) != 4:
            raise ValidationError(f"Year must include 4 numbers in {self.noun.lower()}")
        try:
            value = datetime.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(f"{self.noun} must be a real date") from None
        today = timezone.localdate()
        if self.past is True and value > today:
            raise ValidationError(f"{self.noun} must be today or in the past")
        if self.past is False and value < today - datetime.timedelta(days=31):
            raise ValidationError(f"{self.noun} must be in the future")
        return check_in_range(value, noun=self.noun)


def _identifier(clean):
    def validate(value):
        return clean(value or "")

    return validate


class PersonFieldsMixin(LengthMessagesMixin, forms.Form):
    first_name = forms.CharField(
        label="First name",
        max_length=LIMITS.name,
        error_messages={"required": "Enter a first name, or 'Unknown' if you do not know it"},
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=LIMITS.name,
        error_messages={"required": "Enter a last name, or 'Unknown' if you do not know it"},
    )
    other_names = forms.CharField(
        label="Other names they are known by (optional)",
        max_length=LIMITS.other_names,
        required=False,
    )
    # How long ago is for the child's or the adult's form (referrals.validators).
    date_of_birth = DateField(
        label="Date of birth",
        past=True,
        required=False,
        help_text="For example, 27 3 2015. Leave blank if you do not know it.",
    )
    sex = forms.ChoiceField(
        label="Sex",
        choices=Sex.choices,
        widget=forms.RadioSelect,
        initial=Sex.UNKNOWN,
        required=False,
    )
    nhs_number = forms.CharField(
        label="NHS number (optional)",
        required=False,
        max_length=LIMITS.nhs_number,
        help_text="10 digits, like 485 777 3456",
    )
    address = forms.CharField(
        label="Address (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LIMITS.address,
    )
    postcode = forms.CharField(
        label="Postcode (optional)", required=False, max_length=LIMITS.postcode
    )

    def clean_sex(self):
        return self.cleaned_data["sex"] or Sex.UNKNOWN

    def clean_nhs_number(self):
        return clean_nhs_number(self.cleaned_data["nhs_number"])

    def clean_postcode(self):
        return clean_postcode(self.cleaned_data["postcode"])


class ChildForm(PersonFieldsMixin):
    BORN, UNBORN = "born", "unborn"
    born = forms.ChoiceField(
        label="Has the child been born?",
        choices=[(BORN, "Yes"), (UNBORN, "No, this is an unborn child")],
        widget=forms.RadioSelect,
        initial=BORN,
        required=False,
    )
    expected_date_of_birth = DateField(
        label="Expected date of birth",
        required=False,
        help_text="Only for an unborn child. For example, 3 6 2027",
    )
    unique_pupil_number = forms.CharField(
        label="Unique Pupil Number (optional)",
        required=False,
        max_length=LIMITS.unique_pupil_number,
        help_text="13 characters, like B801200005001",
    )

    field_order = [
        "first_name",
        "last_name",
        "other_names",
        "born",
        "date_of_birth",
        "expected_date_of_birth",
        "sex",
        "nhs_number",
        "unique_pupil_number",
        "address",
        "postcode",
    ]

    def clean_born(self):
        # Most children on a contact are born; an unanswered question means that.
        return self.cleaned_data["born"] or self.BORN

    def clean_unique_pupil_number(self):
        return clean_unique_pupil_number(self.cleaned_data["unique_pupil_number"])

    def clean_date_of_birth(self):
        value = self.cleaned_data["date_of_birth"]
        return value and check_date_of_birth(value, adult=False)

    def clean_expected_date_of_birth(self):
        value = self.cleaned_data["expected_date_of_birth"]
        return value and check_expected_date_of_birth(value)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("born") == self.UNBORN:
            if not cleaned.get("expected_date_of_birth") and "expected_date_of_birth" not in (
                self.errors
            ):
                self.add_error("expected_date_of_birth", "Enter the expected date of birth")
            cleaned["date_of_birth"] = None
        else:
            cleaned["expected_date_of_birth"] = None
        return cleaned

    def to_subject(self) -> SubjectInput:
        data = self.cleaned_data
        return SubjectInput(
            role=ContactSubject.Role.UNBORN_CHILD
            if data["born"] == self.UNBORN
            else ContactSubject.Role.CHILD,
            first_name=data["first_name"],
            last_name=data["last_name"],
            other_names=data["other_names"],
            date_of_birth=data["date_of_birth"],
            expected_date_of_birth=data["expected_date_of_birth"],
            sex=data["sex"],
            nhs_number=data["nhs_number"],
            unique_pupil_number=data["unique_pupil_number"],
            address=data["address"],
            postcode=data["postcode"],
        )


ADULT_ROLE_CHOICES = [
    (value, label)
    for value, label in ContactSubject.Role.choices
    if value not in ContactSubject.CHILD_ROLES
]


class AdultForm(PersonFieldsMixin):
    role = forms.ChoiceField(
        label="Who are they?",
        choices=ADULT_ROLE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who this adult is"},
    )
    relationship_to_children = forms.CharField(
        label="Relationship to the children (optional)",
        required=False,
        max_length=LIMITS.short_text,
        help_text="For example, mother of both children, or mum's partner",
    )

    field_order = ["role", "relationship_to_children", "first_name", "last_name"]

    def clean_date_of_birth(self):
        value = self.cleaned_data["date_of_birth"]
        return value and check_date_of_birth(value, adult=True)

    def to_subject(self) -> SubjectInput:
        data = self.cleaned_data
        return SubjectInput(
            role=data["role"],
            relationship_to_children=data["relationship_to_children"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            other_names=data["other_names"],
            date_of_birth=data["date_of_birth"],
            sex=data["sex"],
            nhs_number=data["nhs_number"],
            address=data["address"],
            postcode=data["postcode"],
        )


class BaseSubjectFormSet(forms.BaseFormSet):
    noun = "person"

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs["use_required_attribute"] = False
        return kwargs

    def clean(self):
        super().clean()
        numbers = [
            form.cleaned_data.get("nhs_number", "") if form.is_valid() else ""
            for form in self.forms
        ]
        check_nhs_numbers_distinct(numbers, noun=self.noun)


class ChildrenFormSetBase(BaseSubjectFormSet):
    noun = "child"
    default_error_messages = {
        "too_many_forms": too_many("children", LIMITS.children_per_contact),
    }


class AdultsFormSetBase(BaseSubjectFormSet):
    noun = "adult"
    default_error_messages = {
        "too_many_forms": too_many("adults", LIMITS.adults_per_contact),
    }


# absolute_max = max_num: a post claiming 5,000 children builds no more than the limit's
# forms, and validate_max says so rather than dropping the rest unseen.
# Child 1 is always on the page (the views never count fewer) and min_num=1 makes it
# required, so a blank Child 1 names its own missing fields. validate_min would add
# "Add at least one child" on top, about a child the person can see.
ChildFormSet = forms.formset_factory(
    ChildForm,
    formset=ChildrenFormSetBase,
    extra=0,
    min_num=1,
    validate_min=False,
    max_num=LIMITS.children_per_contact,
    absolute_max=LIMITS.children_per_contact,
    validate_max=True,
)
AdultFormSet = forms.formset_factory(
    AdultForm,
    formset=AdultsFormSetBase,
    extra=0,
    min_num=0,
    max_num=LIMITS.adults_per_contact,
    absolute_max=LIMITS.adults_per_contact,
    validate_max=True,
)


class ConcernForm(LengthMessagesMixin, forms.Form):
    concerns = forms.CharField(
        label="What are you worried about?",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=LIMITS.narrative,
        help_text=(
            "Say what has happened, what you have seen or been told, and what you "
            "think could happen to the child if nothing changes."
        ),
        error_messages={"required": "Enter what you are worried about"},
    )
    concern_categories = forms.MultipleChoiceField(
        label="What kind of concern is it?",
        choices=ConcernCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
        error_messages={"required": "Select at least one kind of concern"},
    )
    urgency = forms.ChoiceField(
        label="How soon do you think the front door needs to act?",
        choices=Contact.Urgency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how soon the front door needs to act"},
    )
    family_awareness = forms.ChoiceField(
        label="Does the family know you are making this referral?",
        choices=Contact.FamilyAwareness.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the family knows about this referral"},
    )
    family_not_told_reason = forms.CharField(
        label="If they do not know or did not agree, why not?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LIMITS.reason,
        help_text="For example, telling them could put the child at risk.",
    )

    def clean(self):
        cleaned = super().clean()
        awareness = cleaned.get("family_awareness")
        if (
            awareness
            and awareness != Contact.FamilyAwareness.AWARE_CONSENTED
            and not cleaned.get("family_not_told_reason", "").strip()
        ):
            self.add_error(
                "family_not_told_reason", "Enter why the family has not been told or not agreed"
            )
        return cleaned


STAFF_CHANNELS = [
    (Contact.Channel.CONTACT_CENTRE, "Contact centre (a member of the public)"),
    (Contact.Channel.EMAIL, "Email"),
    (Contact.Channel.POLICE_NOTIFICATION, "Police notification"),
]


class ReferrerForm(LengthMessagesMixin, forms.Form):
    """Who raised the concern, when staff record it for them."""

    channel = forms.ChoiceField(
        label="How did the concern reach us?",
        choices=STAFF_CHANNELS,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the concern reached us"},
    )
    anonymous = forms.BooleanField(
        label="The person did not want to give their name", required=False
    )
    name = forms.CharField(label="Their name", max_length=LIMITS.short_text, required=False)
    role = forms.CharField(
        label="Their job, or relationship to the child",
        max_length=LIMITS.short_text,
        required=False,
        help_text="For example, neighbour, grandmother, or youth worker",
    )
    referral_source = forms.ModelChoiceField(
        label="Referral source (for the Children in Need census)",
        queryset=ReferralSource.objects.all(),
        empty_label="Select a source",
        error_messages={"required": "Select the referral source"},
    )
    source_agency = forms.ModelChoiceField(
        label="Their agency, if a professional (optional)",
        queryset=Agency.objects.filter(is_active=True),
        required=False,
        empty_label="Not a partner agency",
    )
    phone = forms.CharField(
        label="Telephone number (optional)", required=False, max_length=LIMITS.phone
    )
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        max_length=LIMITS.email,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com"
        },
    )

    def clean_phone(self):
        return clean_phone(self.cleaned_data["phone"])

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("anonymous") and not cleaned.get("name", "").strip():
            self.add_error("name", "Enter their name, or say they did not want to give it")
        return cleaned

    def to_referrer(self) -> ReferrerInput:
        data = self.cleaned_data
        return ReferrerInput(
            anonymous=data["anonymous"],
            name=data["name"],
            role=data["role"],
            organisation=data["source_agency"].name if data.get("source_agency") else "",
            phone=data["phone"],
            email=data["email"],
            referral_source_code=data["referral_source"].code,
        )


class CallerForm(ReferrerForm):
    """The professional on a phone consultation (the Norfolk advice-and-duty model)."""

    channel = None
    anonymous = None
    advice_given = forms.CharField(
        label="Advice you gave",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=LIMITS.narrative,
        error_messages={"required": "Enter the advice you gave"},
    )
    outcome = forms.ChoiceField(
        label="What happens next?",
        choices=[
            ("advice_only", "Advice only: the caller will act on it, no screening needed"),
            ("screening", "It becomes a contact for screening"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select what happens next"},
    )

    def clean(self):
        cleaned = forms.Form.clean(self)
        if not cleaned.get("name", "").strip():
            self.add_error("name", "Enter the caller's name")
        return cleaned

    def to_referrer(self) -> ReferrerInput:
        data = self.cleaned_data
        return ReferrerInput(
            name=data["name"],
            role=data["role"],
            organisation=data["source_agency"].name if data.get("source_agency") else "",
            phone=data["phone"],
            email=data["email"],
            referral_source_code=data["referral_source"].code,
        )


def contact_input_from_forms(
    *,
    children: ChildFormSet,
    adults: AdultFormSet,
    concern: ConcernForm,
    referrer: ReferrerForm | None = None,
) -> ContactInput:
    data = concern.cleaned_data
    subjects = [form.to_subject() for form in children.forms]
    subjects += [form.to_subject() for form in adults.forms]
    extra = {}
    if isinstance(referrer, CallerForm):
        extra = {
            "advice_given": referrer.cleaned_data["advice_given"],
            "advice_only": referrer.cleaned_data["outcome"] == "advice_only",
        }
    return ContactInput(
        subjects=subjects,
        concerns=data["concerns"],
        concern_categories=data["concern_categories"],
        urgency=data["urgency"],
        family_awareness=data["family_awareness"],
        family_not_told_reason=data["family_not_told_reason"],
        referrer=referrer.to_referrer() if referrer is not None else None,
        source_agency=referrer.cleaned_data.get("source_agency") if referrer else None,
        **extra,
    )


class PersonSearchForm(LengthMessagesMixin, forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=LIMITS.short_text,
        help_text="First and last name, in either order",
        error_messages={"required": "Enter a name to search for"},
    )
    date_of_birth = DateField(label="Date of birth (optional)", past=True, required=False)


class UniquePupilNumberForm(LengthMessagesMixin, forms.Form):
    """A child's UPN added or corrected after intake (the census asks for it)."""

    unique_pupil_number = forms.CharField(
        label="Unique Pupil Number",
        max_length=LIMITS.unique_pupil_number,
        help_text="13 characters, like B801200005001, from the child's school",
        error_messages={"required": "Enter the Unique Pupil Number"},
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )

    def clean_unique_pupil_number(self):
        return clean_unique_pupil_number(self.cleaned_data["unique_pupil_number"])


class RestrictionForm(LengthMessagesMixin, forms.Form):
    reason = forms.CharField(
        label="Why is this record restricted?",
        max_length=LIMITS.reason,
        help_text="For example, the family of a member of staff. Only managers see this.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the record is restricted"},
    )
    allowed = forms.ModelMultipleChoiceField(
        label="Who else may open it",
        help_text="You and the person to ask can always open it.",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    ask = forms.ModelChoiceField(
        label="Whom should others ask for access?",
        queryset=None,
        error_messages={"required": "Choose whom others should ask"},
    )
    review_due = DateField(
        label="Review date",
        past=False,
        help_text="Restrictions are reviewed at least every three months. For example, 28 2 2027",
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["allowed"].queryset = staff
        self.fields["ask"].queryset = staff
        self.fields["allowed"].label_from_instance = lambda user: user.full_name
        self.fields["ask"].label_from_instance = lambda user: user.full_name

    def clean_review_due(self) -> datetime.date:
        review_due = self.cleaned_data["review_due"]
        latest = timezone.localdate() + RESTRICTION_REVIEW_EVERY
        if review_due > latest:
            raise ValidationError(
                f"Review date must be within three months, on or before {latest:%-d %B %Y}"
            )
        return review_due
