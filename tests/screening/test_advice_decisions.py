"""An information-and-advice decision says what advice was given and to whom; the
referrer's notice carries it, and the decision page with errors is titled "Error: "."""

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse

from outcomes.models import Notice
from outcomes.services import render_notice
from screening import services
from screening.models import Decision, Route
from tests.factories import submit_contact
from tests.support.screening import RATIONALE, decide

pytestmark = pytest.mark.django_db

ADVICE = "Ask the school nurse to see Amelia weekly; call us if she is hurt again."


@pytest.fixture
def held(screener, referrer):
    contact = submit_contact(referrer)
    services.screening_claim(actor=screener, contact=contact)
    return contact


def _form(level, **values):
    return {
        "route": Route.INFORMATION_AND_ADVICE,
        "threshold_level": level.pk,
        "rationale": RATIONALE,
        "family_notice": "notify",
        **values,
    }


def test_information_and_advice_needs_the_advice_and_who_had_it(screener, held, level):
    with pytest.raises(services.ScreeningRefused, match="what advice"):
        decide(screener, held, level, route=Route.INFORMATION_AND_ADVICE, advice_given=" ")
    with pytest.raises(services.ScreeningRefused, match="who was given"):
        decide(screener, held, level, route=Route.INFORMATION_AND_ADVICE, advice_given_to=[])
    with pytest.raises(services.ScreeningRefused, match="not one of"):
        decide(screener, held, level, route=Route.INFORMATION_AND_ADVICE, advice_given_to=["mayor"])

    decision = decide(
        screener,
        held,
        level,
        route=Route.INFORMATION_AND_ADVICE,
        advice_given=f"  {ADVICE} ",
        advice_given_to=["referrer", "parent_carer", "referrer"],
    )

    assert decision.advice_given == ADVICE
    assert decision.advice_given_to == ["referrer", "parent_carer"]


def test_other_routes_keep_no_advice(screener, held, level):
    decision = decide(screener, held, level, route=Route.EARLY_HELP, advice_given=ADVICE)
    assert (decision.advice_given, decision.advice_given_to) == ("", [])


def test_the_database_refuses_to_edit_the_advice(screener, held, level):
    decision = decide(screener, held, level, route=Route.INFORMATION_AND_ADVICE)
    for change in ({"advice_given": "Something else"}, {"advice_given_to": ["young_person"]}):
        with pytest.raises(DatabaseError, match="never edited"), transaction.atomic():
            Decision.objects.filter(pk=decision.pk).update(**change)


def test_the_referrers_notice_gives_the_advice(screener, held, level):
    decision = decide(
        screener,
        held,
        level,
        route=Route.INFORMATION_AND_ADVICE,
        advice_given=ADVICE,
        advice_given_to=["referrer"],
    )
    notice = Notice.objects.get(decision=decision, audience="referrer")
    _, body = render_notice(notice)
    assert f"The advice we gave you:\n{ADVICE}" in body


def test_the_form_asks_for_the_advice_and_titles_the_page_error(client, screener, held, level):
    client.force_login(screener)
    url = reverse("screening:decide", args=[held.reference])

    page = client.post(url, _form(level))

    assert page.status_code == 200
    html = page.content.decode()
    assert "<title>Error: Screening" in html
    assert "Enter the advice that was given" in html
    assert "Select who was given the advice" in html
    assert "Bruising consistent with a grip" in html  # what was typed is kept


def test_the_decision_with_advice_shows_on_the_contact_page(client, screener, held, level):
    client.force_login(screener)
    url = reverse("screening:decide", args=[held.reference])

    response = client.post(
        url, _form(level, advice_given=ADVICE, advice_given_to=["referrer", "young_person"])
    )

    assert response.status_code == 302
    page = client.get(reverse("screening:contact", args=[held.reference])).content.decode()
    assert "<title>Screening" in page
    assert ADVICE in page
    assert "The person who made the referral, The child or young person" in page


def test_the_partner_api_returns_the_advice(screener, level):
    from rest_framework.test import APIClient

    from frontdoor.roles import Role
    from referrals.services import api_client_create
    from tests.factories import UserFactory

    account = UserFactory(roles=[Role.REFERRER])
    _, token = api_client_create(name="Feed", account=account)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    contact = submit_contact(account)
    services.screening_claim(actor=screener, contact=contact)
    decide(screener, contact, level, route=Route.INFORMATION_AND_ADVICE, advice_given=ADVICE)

    outcome = api.get(reverse("api-contact-detail", args=[contact.reference])).json()["outcome"]

    assert outcome["advice_given"] == ADVICE
    assert outcome["advice_given_to"] == ["referrer"]
