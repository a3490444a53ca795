"""Every screening screen, as every role: who gets in, who is refused, who sees nothing."""

import pytest
from django.urls import reverse

from frontdoor.roles import Role
from screening import services
from screening.models import Route
from tests.factories import submit_contact
from tests.support.screening import decide

pytestmark = pytest.mark.django_db

STAFF = {Role.SCREENER, Role.MANAGER}


@pytest.fixture
def world(screener, referrer, police, level):
    contact = submit_contact(referrer)
    services.screening_claim(actor=screener, contact=contact)
    check = services.check_request(actor=screener, contact=contact, agency=police, question="Any?")
    services.checks_proceed_without(actor=screener, contact=contact, reason="Cannot wait, at risk.")
    decision = decide(screener, contact, level, route=Route.STRATEGY_DISCUSSION)
    return {"contact": contact, "check": check, "decision": decision}


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


@pytest.mark.parametrize("persona", list(Role), indirect=True)
@pytest.mark.parametrize(("name", "args"), GET_URLS)
def test_each_screen_for_each_role(client, persona, world, name, args):
    role = Role(persona.groups.get().name)
    client.force_login(persona)
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
    "persona",
    [Role.REFERRER, Role.PARTNER_AGENCY_MEMBER, Role.PERFORMANCE_VIEWER, Role.ADMINISTRATOR],
    indirect=True,
)
@pytest.mark.parametrize("name", POST_URLS)
def test_no_one_outside_screening_can_change_a_screening(client, persona, world, name):
    client.force_login(persona)
    response = client.post(reverse(name, args=[world["contact"].reference]), {})
    assert response.status_code == 404
    assert client.post(reverse("screening:claim-next")).status_code == 403
    assert (
        client.post(reverse("screening:reassign", args=[world["contact"].reference])).status_code
        == 403
    )


def test_a_screener_cannot_reassign_or_approve(client, screener, world):
    client.force_login(screener)
    contact = world["contact"]
    assert client.post(reverse("screening:reassign", args=[contact.reference])).status_code == 403
    response = client.post(
        reverse("screening:approval", args=[world["decision"].pk]), {"outcome": "approve"}
    )
    assert response.status_code == 403
