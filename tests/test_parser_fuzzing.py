"""The parsers that take what people type or upload, fuzzed with hypothesis: whatever
arrives, they answer with a message or a result, never an unhandled error, and a
rejected import saves nothing."""

from __future__ import annotations

import os
import string

import pytest
from django.utils.datastructures import MultiValueDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outcomes import downstream
from outcomes.models import DownstreamOutcome
from outcomes.scorecard.periods import Period, PeriodError
from referrals import forms as referral_forms
from screening import forms as screening_forms

# The same examples on every run, so CI cannot fail by chance; set HYPOTHESIS_EXPLORE=1
# to search afresh (and longer) on your machine.
EXPLORE = bool(os.environ.get("HYPOTHESIS_EXPLORE"))
FUZZ = settings(
    max_examples=2000 if EXPLORE else 150,
    derandomize=not EXPLORE,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
text = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=60)
digits_and_marks = st.text(alphabet=string.digits + "-Qq /.", max_size=12)


@FUZZ
@given(st.one_of(text, digits_and_marks))
def test_period_parsing(value):
    try:
        period, refusal = Period.parse(value), ""
    except PeriodError as error:
        period, refusal = None, str(error)
    if period is None:
        assert refusal.startswith("Enter a period")
    else:
        assert Period.parse(period.key) == period
        assert period.start < period.end


csv_cell = st.one_of(
    text, st.sampled_from(["FD-2026-000001", "2026-11-01", "assessment_started", "nfa", ""])
)


@pytest.mark.django_db
@FUZZ
@given(
    header=st.one_of(
        st.just(",".join(downstream.CSV_COLUMNS)),
        st.lists(text, max_size=8).map(",".join),
    ),
    rows=st.lists(st.lists(csv_cell, min_size=0, max_size=8), max_size=5),
    raw_tail=text,
)
def test_outcome_import_never_fails_and_saves_nothing_it_rejects(
    manager_for_fuzz, header, rows, raw_tail
):
    lines = [header] + [",".join(f'"{cell}"' for cell in row) for row in rows]
    file_text = "\n".join(lines) + raw_tail
    before = DownstreamOutcome.objects.count()
    report = downstream.outcome_events_import(actor=manager_for_fuzz, file_text=file_text)
    if report.errors:
        assert DownstreamOutcome.objects.count() == before
        assert all(isinstance(line, int) and message for line, message in report.errors)


form_values = st.dictionaries(
    keys=st.sampled_from(
        [
            "first_name",
            "last_name",
            "date_of_birth-day",
            "date_of_birth-month",
            "date_of_birth-year",
            "expected_date_of_birth-day",
            "nhs_number",
            "unique_pupil_number",
            "postcode",
            "sex",
            "role",
            "concerns",
            "concern_categories",
            "urgency",
            "family_awareness",
            "name",
            "phone",
            "email",
            "organisation",
            "route",
            "rationale",
            "threshold_level",
            "scaling",
            "status",
            "rag",
            "search",
            "date_of_birth",
        ]
    ),
    values=st.one_of(text, digits_and_marks),
    max_size=12,
)

FORMS = [
    referral_forms.ChildForm,
    referral_forms.AdultForm,
    referral_forms.ConcernForm,
    referral_forms.ReferrerForm,
    referral_forms.CallerForm,
    referral_forms.PersonSearchForm,
    screening_forms.SignsOfSafetyForm,
    screening_forms.CheckAnswerForm,
    screening_forms.QueueFilterForm,
]


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", FORMS, ids=lambda form: form.__name__)
@FUZZ
@given(values=form_values)
def test_forms_answer_any_input_with_messages(form_class, values):
    form = form_class(data=MultiValueDict({key: [value] for key, value in values.items()}))
    if not form.is_valid():
        for messages in form.errors.values():
            assert all(isinstance(message, str) and message for message in messages)


@pytest.fixture
def manager_for_fuzz(db):
    from frontdoor.roles import Role
    from tests.factories import UserFactory

    return UserFactory(roles=[Role.MANAGER])
