"""Bad input anywhere a person or a partner can put it: a clear 400 or a message on the
field, never a 500, and a form keeps every other answer. NUL bytes (in the path, a query,
a field's name or value, the queue search kept in the session, a CSV), JSON nested
100,000 deep, absurd years, and a damaged formset count (issue 16, finding 5)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from referrals.models import ReferralDraft
from referrals.services import api_client_create
from screening.views_queue import SEARCH_SESSION_KEY
from tests.support import url_table as walk
from tests.support.contact_forms import CONCERN, child, management
from tests.support.sessions import session_after_sign_in, sign_in_with

pytestmark = pytest.mark.django_db

NUL = "\x00"


@pytest.fixture
def world(db):
    """The records every URL needs."""
    return walk.url_world()


def _first_allowed(expected: dict[str, int]) -> str | None:
    return next(
        (who for who, status in expected.items() if who != "anonymous" and status < 401),
        None,
    )


def test_nul_anywhere_in_any_page_request_is_never_a_500(client, world):
    """Every HTML URL, as a role allowed to use it: NUL in the path's reference, in a
    query name and value, in each field the page's forms have, and in a field's name."""
    users, ids = world
    sessions = {who: session_after_sign_in(client, user) for who, user in users.items()}
    client.raise_request_exception = False
    wrong = []
    for name in walk.url_names():
        if name in (walk.HEALTH, "admin:index") or name.startswith("api"):
            continue
        get_expected, post_expected = walk.EXPECTED[name]
        get_as, post_as = _first_allowed(get_expected), _first_allowed(post_expected or {})
        url = walk.url_for(name, ids)
        names = set()
        if get_as:
            sign_in_with(client, sessions[get_as])
            for query in ("?search=a%00b", "?a%00b=1", "?period=2026%00"):
                if (got := client.get(url + query).status_code) != 400:
                    wrong.append(f"GET {name}{query}: {got}, expected 400")
            page = client.get(url).content.decode(errors="replace")
            names = set(re.findall(r'<(?:input|select|textarea)[^>]* name="([^"]+)"', page))
        if "reference" in walk.ARGS.get(name, []) and (get_as or post_as):
            args = [ids[a] + NUL if a == "reference" else ids[a] for a in walk.ARGS[name]]
            sign_in_with(client, sessions[get_as or post_as])
            method = client.get if get_as else client.post
            if (got := method(reverse(name, args=args)).status_code) != 400:
                wrong.append(f"{name} with NUL in the reference: {got}, expected 400")
        if post_as:
            sign_in_with(client, sessions[post_as])
            for field in sorted(names - {"csrfmiddlewaretoken"}) or ["anything"]:
                if (got := client.post(url, {field: f"a{NUL}b"}).status_code) >= 500:
                    wrong.append(f"POST {name} {field}=NUL: {got}")
            if (got := client.post(url, {f"a{NUL}b": "1"}).status_code) != 400:
                wrong.append(f"POST {name} with NUL in a field name: {got}, expected 400")
    assert not wrong, "\n".join(wrong)


def test_nul_in_a_contact_reference_is_a_clear_400(client, screener, contact):
    client.force_login(screener)
    for url in (
        f"/referrals/contacts/{contact.reference}%00/",
        f"/screening/{contact.reference}%00/",
        f"/outcomes/contacts/{contact.reference}%00/notices/",
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "null character" in response.text


@pytest.fixture
def partner(referrer):
    _, token = api_client_create(name="Police feed", account=referrer)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


def test_nul_in_an_api_path_is_a_json_400(partner, contact):
    response = partner.get(f"/api/v1/contacts/{contact.reference}%00/")
    assert response.status_code == 400
    assert "null character" in response.json()["detail"]


def test_nul_in_a_contact_form_answer_is_a_message_on_that_field_and_keeps_the_rest(
    client, referrer
):
    client.force_login(referrer)
    data = {
        **management(children=1),
        **child(0, first=f"Ame{NUL}lia"),
        **CONCERN,
        "action": "continue",
    }

    response = client.post(reverse("referrals:referral-form"), data)

    assert response.status_code == 200
    assert "Child 1: Null characters are not allowed." in response.text
    assert "bruising seen on her arm" in response.text  # the other answers are kept
    assert 'value="Harrison"' in response.text
    draft = ReferralDraft.objects.get(owner=referrer).data
    assert draft["children-0-first_name"] == ["Amelia"]
    assert draft["concern-concerns"] == [CONCERN["concern-concerns"]]


def test_nul_in_a_form_field_name_is_a_400(client, referrer):
    client.force_login(referrer)
    response = client.post(
        reverse("referrals:referral-form"), {**management(), f"children-0-first{NUL}": "A"}
    )
    assert response.status_code == 400
    assert "null character" in response.text


def test_a_damaged_formset_count_keeps_every_child_typed(client, referrer):
    """TOTAL_FORMS=abc with the add and remove buttons was a 500."""
    client.force_login(referrer)
    form = reverse("referrals:referral-form")
    typed = {
        **management(children=2),
        "children-TOTAL_FORMS": "abc",
        **child(0),
        **child(1, first="Noah"),
        **CONCERN,
    }

    added = client.post(form, {**typed, "action": "add_child"})
    assert added.status_code == 302
    draft = ReferralDraft.objects.get(owner=referrer).data
    assert draft["children-TOTAL_FORMS"] == ["3"]
    assert draft["children-1-first_name"] == ["Noah"]

    removed = client.post(form, {**typed, "action": "remove_children-0"})
    assert removed.status_code == 302
    draft = ReferralDraft.objects.get(owner=referrer).data
    assert draft["children-TOTAL_FORMS"] == ["1"]
    assert draft["children-0-first_name"] == ["Noah"]

    shown = client.post(form, {**typed, "action": "continue"})
    assert shown.status_code in (200, 302)
    page = client.get(form)
    assert 'value="Amelia"' in page.text
    assert 'value="Noah"' in page.text


def test_a_nul_queue_search_is_refused_and_one_kept_in_a_session_is_dropped(client, screener):
    client.force_login(screener)
    queue = reverse("screening:queue")

    refused = client.post(queue, {"search": f"Amelia{NUL}"}, follow=True)
    assert refused.status_code == 200
    assert "null character" in refused.text
    assert SEARCH_SESSION_KEY not in client.session

    # A search kept before this fix would otherwise break the queue on every visit.
    session = client.session
    session[SEARCH_SESSION_KEY] = f"Amelia{NUL}"
    session.save()
    assert client.get(queue).status_code == 200
    assert SEARCH_SESSION_KEY not in client.session
    assert client.get(queue).status_code == 200


def test_a_csv_import_with_a_nul_names_its_line(client, screener):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from outcomes.downstream import CSV_COLUMNS

    client.force_login(screener)
    text = ",".join(CSV_COLUMNS) + "\nev-1,FD-2026-000001" + NUL + ",,assessment_started\n"
    upload = SimpleUploadedFile("outcomes.csv", text.encode(), content_type="text/csv")

    response = client.post(reverse("outcomes:import"), {"file": upload})

    # Refused before it is kept: PostgreSQL text cannot hold the file.
    assert response.status_code == 400
    assert "Line 2 has a null character" in response.text


def test_an_empty_csv_import_says_the_file_is_empty(client, screener):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(screener)
    upload = SimpleUploadedFile("outcomes.csv", b"\n  \n", content_type="text/csv")

    response = client.post(reverse("outcomes:import"), {"file": upload})

    assert response.status_code == 400
    assert "The file is empty" in response.text


def _deep(levels: int) -> str:
    return "[" * levels + "]" * levels


def test_json_nested_100000_deep_is_a_400(partner, settings):
    from frontdoor.roles import Role
    from tests.factories import UserFactory

    _, token = api_client_create(name="Case system", account=UserFactory(roles=[Role.CASE_SYSTEM]))
    case_system = APIClient()
    case_system.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    for api, url in (
        (partner, reverse("api-contact-create")),
        (case_system, reverse("api-outcome-events")),
    ):
        response = api.post(
            url, _deep(100_000), content_type="application/json", HTTP_IDEMPOTENCY_KEY="deep"
        )
        assert response.status_code == 400, url
        assert "nested" in response.json()["detail"]
    settings.NOTIFY_CALLBACK_BEARER_TOKEN = "callback-token"
    response = APIClient().post(
        reverse("outcomes:notify-receipts"),
        _deep(100_000),
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer callback-token",
    )
    assert response.status_code == 400


def test_json_nested_just_past_the_limit_is_a_400(partner):
    response = partner.post(
        reverse("api-contact-create"),
        _deep(50),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="deep",
    )
    assert response.status_code == 400


@pytest.mark.parametrize("year", ["99999999999", "0001", "9999", "\uff11\uff12\uff13\uff14"])
def test_an_absurd_year_in_a_date_of_birth_is_a_message_and_keeps_the_rest(client, referrer, year):
    client.force_login(referrer)
    data = {**management(), **child(0, dob=("1", "1", year)), **CONCERN, "action": "continue"}

    response = client.post(reverse("referrals:referral-form"), data)

    assert response.status_code == 200
    assert "Child 1: " in response.text
    assert "bruising seen on her arm" in response.text


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (("1", "1", "0001"), ("1", "6", "0001")),
        (("1", "7", "9999"), ("31", "12", "9999")),
        (("1", "1", "99999999999"), ("1", "6", "2026")),
        (("1", "1", "2026"), ("1", "6", "99999999999")),
    ],
)
def test_annex_a_window_in_an_absurd_year_is_a_message(client, manager, start, end):
    client.force_login(manager)
    query = {f"start_{i}": v for i, v in enumerate(start)} | {
        f"end_{i}": v for i, v in enumerate(end)
    }

    response = client.get(reverse("outcomes:scorecard-inspection"), {**query, "format": "csv"})

    assert response.status_code == 400
    assert "govuk-error-message" in response.text


@pytest.mark.parametrize("day", ["1 1 0001", "31 12 9999", "1 1 99999999999"])
def test_annex_a_inspection_date_in_an_absurd_year_is_a_message(client, manager, day):
    client.force_login(manager)
    parts = {f"inspection_date_{i}": part for i, part in enumerate(day.split())}
    response = client.get(reverse("outcomes:scorecard-inspection"), parts)
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("99999999999", "Enter a period as a month"),
        ("99999999999-01", "Enter a period as a month"),
        ("0001-Q1", "Enter a year from 2000 to 2100"),
        ("9999", "Enter a year from 2000 to 2100"),
    ],
)
def test_a_scorecard_period_in_an_absurd_year_is_a_message(client, manager, period, message):
    client.force_login(manager)
    page = client.get(reverse("outcomes:scorecard"), {"period": period})
    assert page.status_code == 400
    assert message in page.text


@pytest.mark.parametrize("as_at", ["0001-01-01T00:00", "9999-12-31T23:59", "99999999999"])
def test_a_scorecard_moment_in_an_absurd_year_is_not_a_500(client, manager, as_at):
    client.force_login(manager)
    client.raise_request_exception = False
    for name in ("outcomes:scorecard", "outcomes:scorecard-csv"):
        response = client.get(reverse(name), {"period": "2026-11", "as_at": as_at})
        assert response.status_code < 500, name


@pytest.mark.parametrize("year", ["99999999999", "9999", "1", "abc"])
def test_a_census_year_out_of_range_is_a_message(client, manager, year):
    client.force_login(manager)
    response = client.post(reverse("outcomes:census"), {"year": year})
    assert response.status_code == 400
    assert "Select the return year" in response.text
