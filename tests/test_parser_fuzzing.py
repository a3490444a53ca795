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
from outcomes.returns import annex_a_forms
from outcomes.scorecard.periods import Period, PeriodError
from referrals import forms as referral_forms
from referrals import forms_search
from screening import forms as screening_forms
from tests.support.sessions import session_after_sign_in, sign_in_with

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
# What an attacker tried (issue 16): null characters, absurd years, a damaged count.
nasty = st.one_of(
    st.sampled_from(
        ["\x00", "a\x00b", "FD-2026-000001\x00", "99999999999", "0001", "9999", "abc", "-1"]
    ),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    text.map(lambda value: value + "\x00"),
)


@FUZZ
@given(st.one_of(text, digits_and_marks, nasty, nasty.map(lambda year: f"{year}-Q1")))
def test_period_parsing(value):
    try:
        period, refusal = Period.parse(value), ""
    except PeriodError as error:
        period, refusal = None, str(error)
    if period is None:
        assert refusal.startswith("Enter a ")
    else:
        assert Period.parse(period.key) == period
        assert period.start < period.end


csv_cell = st.one_of(
    text,
    st.sampled_from(["FD-2026-000001", "2026-11-01", "assessment_started", "nfa", ""]),
    nasty,
    nasty.map(lambda year: f"{year}-01-01"),
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
            "date_of_birth_0",
            "date_of_birth_1",
            "date_of_birth_2",
            "expected_date_of_birth_0",
            "expected_date_of_birth_1",
            "expected_date_of_birth_2",
            "start_0",
            "start_1",
            "start_2",
            "end_2",
            "inspection_date_2",
            "born",
            "place",
            "reference",
            "agency",
            "received_from_0",
            "received_to_2",
            "concern_words",
            "page",
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
    values=st.one_of(text, digits_and_marks, nasty),
    max_size=12,
)


class ManagersSearchForm(forms_search.RecordSearchForm):
    """The search as a manager has it, with words in the concern."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, may_search_concerns=True, **kwargs)


FORMS = [
    referral_forms.ChildForm,
    referral_forms.AdultForm,
    referral_forms.ConcernForm,
    referral_forms.ReferrerForm,
    referral_forms.CallerForm,
    forms_search.RecordSearchForm,
    ManagersSearchForm,
    screening_forms.SignsOfSafetyForm,
    screening_forms.CheckAnswerForm,
    screening_forms.QueueFilterForm,
    annex_a_forms.WindowForm,
    annex_a_forms.InspectionDateForm,
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


def _nested(kinds: list[bool]) -> str:
    opening = "".join("[" if is_list else '{"a":' for is_list in kinds)
    closing = "".join("]" if is_list else "}" for is_list in reversed(kinds))
    return opening + "1" + closing


@FUZZ
@given(
    st.one_of(
        st.lists(st.booleans(), max_size=40).map(_nested),
        st.integers(min_value=1, max_value=200_000).map(lambda depth: "[" * depth),
        st.integers(min_value=1, max_value=200_000).map(lambda depth: _nested([True] * depth)),
        text,
    )
)
def test_api_json_is_parsed_or_refused_never_a_crash(body):
    from frontdoor import json_input

    try:
        json_input.loads(body)
        refusal = ""
    except json_input.JsonRefused as refused:
        refusal = str(refused)
    if body.count("[") > json_input.MAX_DEPTH and body.startswith("[" * (json_input.MAX_DEPTH + 1)):
        assert refusal


contact_form_post = st.dictionaries(
    keys=st.one_of(
        st.sampled_from(
            [
                "children-TOTAL_FORMS",
                "adults-TOTAL_FORMS",
                "children-INITIAL_FORMS",
                "children-0-first_name",
                "children-0-date_of_birth_2",
                "children-1-last_name",
                "children-19-first_name",
                "adults-0-role",
                "concern-concerns",
                "concern-urgency",
            ]
        ),
        text,
    ),
    values=st.one_of(text, nasty),
    max_size=10,
)


@pytest.mark.django_db
@FUZZ
@given(
    answers=contact_form_post,
    action=st.sampled_from(
        ["continue", "save", "add_child", "add_adult", "remove_children-0", "remove_adults-3"]
    ),
)
def test_the_contact_form_keeps_any_answers_without_a_500(referrer_session, answers, action):
    """Through HTTP: whatever is posted, with whichever button, the answer is the form
    (200), a redirect to it or the check page (302), or a 400 for a NUL in a field's
    name; and the draft then opens."""
    from django.test import Client

    client = Client(raise_request_exception=False)
    sign_in_with(client, referrer_session)
    response = client.post("/referrals/new/", {**answers, "action": action})
    assert response.status_code in (200, 302, 400)
    assert client.get("/referrals/new/").status_code == 200


@pytest.fixture
def referrer_for_fuzz(db):
    from frontdoor.roles import Role
    from tests.factories import UserFactory

    return UserFactory(roles=[Role.REFERRER])


@pytest.fixture
def referrer_session(referrer_for_fuzz):
    """Signed in once: each example starts from a new session holding what this gives."""
    from django.test import Client

    return session_after_sign_in(Client(), referrer_for_fuzz)


@pytest.fixture
def manager_for_fuzz(db):

    from frontdoor.roles import Role
    from tests.factories import UserFactory

    return UserFactory(roles=[Role.MANAGER])
