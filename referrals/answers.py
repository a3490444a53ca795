"""Check-your-answers rows for the contact form: one row per question asked.

Rows are built from the forms' own fields, in the order the form asks them, so a
field added to a form shows up here without anyone remembering to add it (a test
checks each form's every field has its row). Each row's "Change" link goes to the
field itself (GOV.UK: ``href="form#field-id"``), and says whose answer it changes
for people who cannot see the row it sits in.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.db import models

from referrals.models import Contact

# Fields only the phone journey's caller form asks, shown with the conversation.
CONVERSATION_FIELDS = ("advice_given", "outcome")


@dataclass(frozen=True)
class Question:
    """How a field reads on check-your-answers: its key, and what "Change" changes
    (``{who}`` is "Child 1", "Adult 2", or empty for a section about no one)."""

    key: str
    change: str
    blank: str = "Not given"


QUESTIONS: dict[str, Question] = {
    # Children and adults.
    "role": Question("Who they are", "who {who} is"),
    "relationship_to_children": Question(
        "Relationship to the children", "{who}'s relationship to the children"
    ),
    "first_name": Question("First name", "{who}'s first name"),
    "last_name": Question("Last name", "{who}'s last name"),
    "other_names": Question("Other names", "{who}'s other names", blank="None given"),
    "born": Question("Born", "whether {who} has been born"),
    "date_of_birth": Question("Date of birth", "{who}'s date of birth", blank="Not known"),
    "expected_date_of_birth": Question("Expected date of birth", "{who}'s expected date of birth"),
    "sex": Question("Sex", "{who}'s sex"),
    "nhs_number": Question("NHS number", "{who}'s NHS number"),
    "unique_pupil_number": Question("Unique Pupil Number", "{who}'s Unique Pupil Number"),
    "address": Question("Address", "{who}'s address"),
    "postcode": Question("Postcode", "{who}'s postcode"),
    "child_seen": Question(
        "Seen or spoken to", "whether {who} was seen or spoken to", blank="Not said"
    ),
    "child_seen_on": Question("Date seen or spoken to", "when {who} was seen or spoken to"),
    "child_seen_by": Question("Who saw or spoke to them", "who saw or spoke to {who}"),
    "child_said": Question("What they said", "what {who} said"),
    "child_not_seen_reason": Question(
        "Why not seen or spoken to", "why {who} was not seen or spoken to"
    ),
    # The concern.
    "concerns": Question("What you are worried about", "what you are worried about"),
    "concern_categories": Question("Kind of concern", "the kind of concern"),
    "urgency": Question("How soon", "how soon the front door needs to act"),
    "family_awareness": Question("Family knows", "whether the family knows"),
    "family_not_told_reason": Question(
        "Why the family does not know", "why the family does not know"
    ),
    # Who raised it (staff journeys).
    "channel": Question("How it reached us", "how the concern reached us"),
    "anonymous": Question("Did not give their name", "whether they gave their name"),
    "name": Question("Name", "their name"),
    "referral_source": Question("Referral source", "the referral source"),
    "source_agency": Question("Their agency", "their agency", blank="Not a partner agency"),
    "phone": Question("Telephone number", "their telephone number"),
    "email": Question("Email address", "their email address"),
    "advice_given": Question("Advice given", "the advice you gave"),
    # A referring professional's own details (asked only when their account lacks them).
    "your_job_title": Question("Your job title", "your job title"),
    "your_phone": Question("Your telephone number", "your telephone number"),
    "outcome": Question("What happens next", "what happens next"),
}
# The referrer form's "role" is the person's job, not an adult's place in the family.
REFERRER_ROLE = Question("Job or relationship to the child", "their job or relationship")


@dataclass(frozen=True)
class Answer:
    field: str
    key: str
    value: str
    anchor: str
    change: str


@dataclass(frozen=True)
class AnswerGroup:
    heading: str
    answers: tuple[Answer, ...]


def field_anchor(bound_field: forms.BoundField) -> str:
    """The id a link to this field should target: a date's first box (Day), the
    first of a group of radios or checkboxes (their id is the field's own)."""
    if bound_field.field.widget.__class__.__name__ == "DateInputWidget":
        return f"{bound_field.auto_id}_0"
    return bound_field.auto_id


def _display(field: forms.Field, value: object, blank: str) -> str:
    if value is None or value == "" or value == []:
        return blank
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.date):
        return f"{value.day} {value:%B %Y}"
    if isinstance(value, models.Model):
        return str(value)
    choices = dict(getattr(field, "choices", ()))
    if isinstance(value, list | tuple):
        return "\n".join(str(choices.get(item, item)) for item in value)
    return str(choices.get(value, value))


def _applies(name: str, data: dict) -> bool:
    """Questions that only apply to some answers; the form ignores them otherwise."""
    if name == "date_of_birth":
        return data.get("born") != "unborn"
    if name == "expected_date_of_birth":
        return data.get("born") == "unborn"
    if name.startswith("child_") and data.get("born") == "unborn":
        return False
    if name in ("child_seen_on", "child_seen_by", "child_said"):
        return data.get("child_seen") == "yes"
    if name == "child_not_seen_reason":
        return data.get("child_seen") == "no"
    if name == "family_not_told_reason":
        return data.get("family_awareness") != Contact.FamilyAwareness.AWARE_CONSENTED or bool(
            data.get(name)
        )
    return True


def _question(form: forms.Form, name: str) -> Question:
    if name == "role" and "referral_source" in form.fields:
        return REFERRER_ROLE
    # A field added to a form later still shows, under its label, until it is given
    # its own wording here.
    label = str(form.fields[name].label or name).removesuffix(" (optional)")
    return QUESTIONS.get(name, Question(label, "{who}'s " + label.lower()))


def answers_for(
    form: forms.Form, *, who: str = "", only: Iterable[str] | None = None
) -> tuple[Answer, ...]:
    """The rows for one valid form, in the order it asks its questions."""
    data = form.cleaned_data
    rows = []
    for bound in form:
        if (only is not None and bound.name not in only) or not _applies(bound.name, data):
            continue
        question = _question(form, bound.name)
        rows.append(
            Answer(
                field=bound.name,
                key=question.key,
                value=_display(bound.field, data.get(bound.name), question.blank),
                anchor=field_anchor(bound),
                change=question.change.format(who=who).removeprefix("'s "),
            )
        )
    return tuple(rows)


def check_answers(
    *,
    children: forms.BaseFormSet,
    adults: forms.BaseFormSet,
    concern: forms.Form,
    referrer: forms.Form | None,
    kind: str,
) -> list[AnswerGroup]:
    """Every answer on the contact form, grouped as the form groups them."""
    groups = []
    conversation: tuple[Answer, ...] = ()
    if referrer is not None:
        asked = [name for name in referrer.fields if name not in CONVERSATION_FIELDS]
        heading = {"phone": "The caller", "referral": "Your details"}.get(
            kind, "Who raised the concern"
        )
        groups.append(AnswerGroup(heading, answers_for(referrer, only=asked)))
        conversation = answers_for(referrer, only=CONVERSATION_FIELDS)
    for noun, formset in (("Child", children), ("Adult", adults)):
        for number, form in enumerate(formset.forms, start=1):
            who = f"{noun} {number}"
            groups.append(AnswerGroup(who, answers_for(form, who=who)))
    heading = "The conversation" if kind == "phone" else "The concern"
    groups.append(AnswerGroup(heading, answers_for(concern) + conversation))
    return groups
