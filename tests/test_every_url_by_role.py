"""Walks every URL the app serves, as every role and signed out, and checks the answer
against the table in tests/support/url_table.py.

The URL list comes from the resolver, so a new URL fails this test until its row
is added to EXPECTED: nobody can add a page without saying who may open it.

GET is tried for every URL; POST too where the view changes something, with an
empty form, to show that refused roles are refused before any validation.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from frontdoor.roles import Role
from referrals.models import Contact
from screening import services as screening_services
from tests.conftest import VerifiedClient
from tests.factories import AgencyFactory, UserFactory
from tests.support.url_table import (
    ANON,
    EXPECTED,
    HEALTH,
    PAM,
    WHO,
    url_for,
    url_names,
    url_world,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return url_world()


def _signed_in_sessions(users) -> dict[str, dict]:
    """What each role's session holds just after signing in (with their code given)."""
    sessions = {}
    for who in WHO:
        if who != ANON:
            client = VerifiedClient()
            client.force_login(users[who])
            sessions[who] = dict(client.session.items())
    return sessions


def _answers(client, sessions, url: str, method: str) -> dict[str, int]:
    """Each caller asks from a session of their own, new for this request: the session a
    fresh sign-in gives, copied instead of signing in again for each of ~1,300 requests."""
    answers = {}
    for who in WHO:
        client.cookies.clear()
        if who != ANON:
            session = client.session  # a new, empty session, its cookie set on the client
            session.update(sessions[who])
            session.save()
        response = getattr(client, method)(url)
        answers[who] = response.status_code
    return answers


def test_every_url_is_in_the_table():
    missing = sorted(set(url_names()) - set(EXPECTED) - {HEALTH})
    assert not missing, f"Say who may open these new URLs in EXPECTED: {missing}"
    assert not set(EXPECTED) - set(url_names()), "EXPECTED names URLs that no longer exist"


def test_every_url_as_every_role(client, world):
    users, ids = world
    sessions = _signed_in_sessions(users)
    client.raise_request_exception = False
    wrong = []
    for name in url_names():
        url = url_for(name, ids)
        if name == HEALTH:
            assert set(_answers(client, sessions, url, "get").values()) <= {200, 503}
            continue
        get_expected, post_expected = EXPECTED[name]
        for method, expected in (("get", get_expected), ("post", post_expected)):
            if expected is None:
                continue
            got = _answers(client, sessions, url, method)
            wrong += [
                f"{method.upper()} {name} as {who}: {got[who]}, expected {expected[who]}"
                for who in WHO
                if got[who] != expected[who]
            ]
    assert not wrong, "\n".join(wrong)


def test_a_partner_member_cannot_open_a_check_for_another_agency(client, world):
    users, ids = world
    contact = Contact.objects.get(reference=ids["reference"])
    other = screening_services.check_request(
        actor=users["screener"],
        contact=contact,
        agency=AgencyFactory(name="Other Police"),
        question="Anything known?",
    )
    client.force_login(users[PAM])
    assert client.get(reverse("screening:member-check", args=[other.pk])).status_code == 404
    answer = {"response": "Nothing known."}
    assert (
        client.post(reverse("screening:member-check", args=[other.pk]), answer).status_code == 404
    )


def test_a_partner_member_cannot_open_a_meeting_their_agency_is_not_at(client, world):
    _, ids = world
    other_agency = UserFactory(roles=[Role.PARTNER_AGENCY_MEMBER], agency=AgencyFactory())
    client.force_login(other_agency)
    for name in ("screening:meeting", "screening:meeting-print"):
        assert client.get(url_for(name, ids)).status_code == 404
    contribution = client.post(
        url_for("screening:meeting-contribution", ids), {"information": "Known to us."}
    )
    assert contribution.status_code == 404
