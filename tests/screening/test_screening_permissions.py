"""Every screening screen, as every role: who gets in, who is refused, who sees nothing."""

import pytest
from django.urls import reverse

from frontdoor.models import Agency, ReferralSource
from frontdoor.roles import Role
from screening import services, services_checks
from screening.models import Route, ThresholdLevel
from tests.conftest import VerifiedClient
from tests.factories import AgencyFactory, UserFactory, submit_contact
from tests.support.checks import consented
from tests.support.screening import decide
from tests.support.sessions import session_after_sign_in, sign_in_with
from tests.support.worlds import built_once

pytestmark = pytest.mark.django_db

STAFF = {Role.SCREENER, Role.MANAGER}


def _build() -> dict:
    """A contact screened by a screener, its check to the police out and proceeded
    without, and a decision waiting for approval; and, apart from them, one user of
    each role, signed in (with their code given)."""
    screener = UserFactory(roles=[Role.SCREENER], full_name="Sam Screener")
    referrer = UserFactory(roles=[Role.REFERRER], full_name="Rita Referrer")
    police = AgencyFactory(
        name="Demo Police",
        type=Agency.Type.POLICE,
        referral_source=ReferralSource.objects.get(code="6"),
    )
    contact = submit_contact(referrer)
    services.screening_claim(actor=screener, contact=contact)
    check = services_checks.check_request(
        actor=screener, contact=contact, agency=police, question="Any?", sharing=consented()
    )
    services.checks_proceed_without(actor=screener, contact=contact, reason="Cannot wait, at risk.")
    level = ThresholdLevel.objects.get(number=4)
    decision = decide(screener, contact, level, route=Route.STRATEGY_DISCUSSION)
    client = VerifiedClient()
    return {
        "contact": contact,
        "check": check,
        "decision": decision,
        "screener": session_after_sign_in(client, screener),
        "sessions": {
            role: session_after_sign_in(client, UserFactory(roles=[role])) for role in Role
        },
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module: the tests only read it (each test's writes are undone)."""
    yield from built_once(django_db_blocker, _build)


def expected_get(role, name):
    if name in ("screening:member-checks",):
        return 200 if role == Role.PARTNER_AGENCY_MEMBER else 403
    if name == "screening:member-check":
        return 404 if role == Role.PARTNER_AGENCY_MEMBER else 403  # another agency's check
    if name in ("screening:approvals", "screening:approval"):
        return 200 if role == Role.MANAGER else 403
    if name == "screening:contact":
        return 200 if role in STAFF else 404
    return 200 if role in STAFF else 403


GET_URLS = [
    ("screening:queue", lambda w: []),
    ("screening:contact", lambda w: [w["contact"].reference]),
    ("screening:approvals", lambda w: []),
    ("screening:approval", lambda w: [w["decision"].pk]),
    ("screening:member-checks", lambda w: []),
    ("screening:member-check", lambda w: [w["check"].pk]),
]


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(("name", "args"), GET_URLS)
def test_each_screen_for_each_role(client, role, world, name, args):
    sign_in_with(client, world["sessions"][role])
    assert client.get(reverse(name, args=args(world))).status_code == expected_get(role, name)


POST_URLS = [
    "screening:claim",
    "screening:release",
    "screening:signs-of-safety",
    "screening:request-check",
    "screening:proceed",
    "screening:decide",
]


@pytest.mark.parametrize(
    "role", [Role.REFERRER, Role.PARTNER_AGENCY_MEMBER, Role.PERFORMANCE_VIEWER, Role.ADMINISTRATOR]
)
@pytest.mark.parametrize("name", POST_URLS)
def test_no_one_outside_screening_can_change_a_screening(client, role, world, name):
    sign_in_with(client, world["sessions"][role])
    response = client.post(reverse(name, args=[world["contact"].reference]), {})
    assert response.status_code == 404
    assert client.post(reverse("screening:claim-next")).status_code == 403
    assert (
        client.post(reverse("screening:reassign", args=[world["contact"].reference])).status_code
        == 403
    )


def test_a_screener_cannot_reassign_or_approve(client, world):
    sign_in_with(client, world["screener"])
    contact = world["contact"]
    assert client.post(reverse("screening:reassign", args=[contact.reference])).status_code == 403
    response = client.post(
        reverse("screening:approval", args=[world["decision"].pk]), {"outcome": "approve"}
    )
    assert response.status_code == 403
