"""Forms for recording a contact, in GOV.UK wording (person records: forms_people;
restrictions: forms_restrictions; the date field: fields).

One long form with sections (children, adults, the concern, the family) rather
than one question per page: the people who fill it in (designated safeguarding
leads, officers, health visitors, screeners on the phone) know the whole story at
once, need to see it together, and move between sections as they write. Each
section still follows GOV.UK patterns, errors are listed in an error summary, and
every submission (valid or not) is saved as a draft so nothing typed is lost.
"""

from __future__ import annotations

from django import forms

from frontdoor.limits import LIMITS, LengthMessagesMixin, too_many
from frontdoor.models import Agency, ReferralSource
from referrals.fields import DateField
from referrals.forms_voice import VOICE_TEXT, ChildVoiceMixin
from referrals.models import ConcernCategory, Contact, ContactSubject, Sex
from referrals.services import ContactInput, ReferrerInput, SubjectInput
from referrals.validators import (
    check_date_of_birth,
    check_expected_date_of_birth,
    check_nhs_numbers_distinct,
    clean_nhs_number,
    clean_phone,
    clean_postcode,
    clean_unique_pupil_number,
)


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


class ChildForm(ChildVoiceMixin, PersonFieldsMixin):
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
        "child_seen",
        "child_seen_on",
        "child_seen_by",
        "child_said",
        "child_not_seen_reason",
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
            # An unborn child has no voice to record yet: whatever was typed is dropped.
            cleaned.update(dict.fromkeys(VOICE_TEXT, ""), child_seen="", child_seen_on=None)
        else:
            cleaned["expected_date_of_birth"] = None
            self._clean_voice(cleaned)
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
            child_seen={"yes": True, "no": False}.get(data["child_seen"]),
            child_seen_on=data["child_seen_on"],
            child_seen_by=data["child_seen_by"].strip(),
            child_said=data["child_said"].strip(),
            child_not_seen_reason=data["child_not_seen_reason"].strip(),
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
    phone = forms.CharField(
        label="Their telephone number",
        help_text="A telephone number or an email address (or both), to call them back on",
        required=False,
        max_length=LIMITS.phone,
    )
    email = forms.EmailField(
        label="Their email address",
        required=False,
        max_length=LIMITS.email,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com"
        },
    )
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
        # A professional on the phone can always give a way back to them: ask for it now,
        # or no one can follow the advice up with them.
        if (
            "phone" not in self.errors
            and "email" not in self.errors
            and not cleaned.get("phone")
            and not cleaned.get("email")
        ):
            self.add_error(
                "phone", "Enter a telephone number or email address to reach the caller on"
            )
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
