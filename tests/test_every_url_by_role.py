"""Walks every URL the app serves, as every role and signed out, and checks the answer
against the table in tests/support/url_table.py.

The URL list comes from the resolver, so a new URL fails this test until its row
is added to EXPECTED: nobody can add a page without saying who may open it.

GET is tried for every URL; POST too where the view changes something, with an
empty form, to show that refused roles are refused before any validation.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdoor.roles import Role
from referrals import services as referral_services
from referrals.models import Contact, Person
from screening import services_checks
from screening.models import Decision
from tests.conftest import VerifiedClient
from tests.factories import AgencyFactory, UserFactory
from tests.support.checks import consented
from tests.support.sessions import session_after_sign_in, sign_in_with
from tests.support.url_table import (
    ANON,
    ARGS,
    EXPECTED,
    HEALTH,
    PAM,
    REF,
    WHO,
    M,
    S,
    url_for,
    url_names,
    url_world,
)
from tests.support.worlds import built_once

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module; what a test writes to it is undone after that test."""
    yield from built_once(django_db_blocker, url_world)


def _signed_in_sessions(users) -> dict[str, dict]:
    """What each role's session holds just after signing in (with their code given)."""
    client = VerifiedClient()
    return {who: session_after_sign_in(client, users[who]) for who in WHO if who != ANON}


def _answers(client, sessions, url: str, method: str) -> dict[str, int]:
    """Each caller asks from a session of their own, new for this request: the session a
    fresh sign-in gives, copied instead of signing in again for each of ~1,300 requests."""
    answers = {}
    for who in WHO:
        if who == ANON:
            client.cookies.clear()
        else:
            sign_in_with(client, sessions[who])
        response = getattr(client, method)(url)
        answers[who] = response.status_code
    return answers


def test_every_url_is_in_the_table():
    missing = sorted(set(url_names()) - set(EXPECTED) - {HEALTH})
    assert not missing, f"Say who may open these new URLs in EXPECTED: {missing}"
    assert not set(EXPECTED) - set(url_names()), "EXPECTED names URLs that no longer exist"


def test_every_url_as_every_role(client, world, settings):
    # /healthz waits this long for a worker that the tests do not run; only its status
    # matters here (200 or 503), asked of it once for each caller.
    settings.HEALTH_WORKER_REPLY_SECONDS = 0.05
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
    other = services_checks.check_request(
        actor=users["screener"],
        contact=contact,
        agency=AgencyFactory(name="Other Police"),
        question="Anything known?",
        sharing=consented(),
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


# --- Restricted records (issue 18) ------------------------------------------------------
# Every URL about one child's record, tried on that record restricted: by the user of
# each role allowed in (named on the restriction; the referrer who wrote it, who always
# may read what they sent), who get their answer from EXPECTED, and by another user of
# the same role who is not named, who gets the restricted page (403, whom to ask).
RESTRICTED: dict[str, dict[str, dict[str, int]]] = {
    "referrals:contact-sent": {"get": {S: 200, M: 200, REF: 200}},
    "referrals:contact-detail": {"get": {S: 200, M: 200, REF: 200}},
    "referrals:document-add": {"get": {S: 200, M: 200, REF: 200}, "post": {S: 400, M: 400}},
    "referrals:document-download": {"get": {S: 200, M: 200, REF: 200}},
    "referrals:subject-match": {"post": {S: 302, M: 302}},
    "referrals:person-detail": {"get": {S: 200, M: 200}},
    "referrals:person-upn": {"post": {S: 200, M: 200}},
    "referrals:person-access": {"get": {M: 200}},
    "referrals:person-restrict": {"get": {M: 200}, "post": {M: 200}},
    "referrals:contact-restrict": {"get": {M: 200}, "post": {M: 200}},
    # A manager merges a restricted record only when named on it (the other record in
    # the URL is not restricted); a screener may not merge at all.
    "referrals:person-merge-choose": {"get": {M: 200}},
    "referrals:person-merge-compare": {"get": {M: 200}, "post": {M: 200}},
    "referrals:warning-add": {"get": {S: 200, M: 200}, "post": {S: 200, M: 200}},
    "referrals:warning-review": {"get": {S: 200, M: 200}, "post": {S: 200, M: 200}},
    "referrals:warning-end": {"get": {S: 200, M: 200}, "post": {S: 200, M: 200}},
    "screening:approval": {"get": {M: 200}, "post": {M: 200}},
    "screening:check-approval": {"get": {M: 200}, "post": {M: 400}},
    "screening:member-check": {"get": {PAM: 200}, "post": {PAM: 200}},
    "screening:member-check-document": {"get": {PAM: 200}},
    "screening:meeting-outcome": {"get": {M: 200}, "post": {M: 400}},
    "screening:meeting-action-add": {"get": {M: 200}, "post": {M: 400}},
    # The owner (the screener here) or a manager; each one not named is refused.
    "screening:meeting-action-done": {"post": {M: 302}},
    "screening:meeting-contribution": {"post": {S: 302, M: 302, PAM: 302}},
    "screening:contact": {"get": {S: 200, M: 200}},
    "screening:claim": {"post": {S: 302, M: 302}},
    "screening:release": {"post": {S: 302, M: 302}},
    "screening:reassign": {"post": {M: 302}},
    "screening:signs-of-safety": {"post": {S: 302, M: 302}},
    "screening:request-check": {"post": {S: 200, M: 200}},
    "screening:proceed": {"post": {S: 200, M: 200}},
    "screening:decide": {"post": {S: 200, M: 200}},
    "screening:withdraw": {"get": {S: 200, M: 200}, "post": {S: 400, M: 400}},
    "screening:log-add": {"post": {S: 400, M: 400}},
    "screening:log-correct": {"get": {S: 200, M: 200}, "post": {S: 400, M: 400}},
    "screening:family-address": {"get": {S: 200, M: 200}, "post": {S: 400, M: 400}},
    "screening:document-add": {"post": {S: 400, M: 400}},
    "screening:child-census": {"get": {S: 200, M: 200}, "post": {S: 302, M: 302}},
    "screening:relationship": {"get": {S: 200, M: 200}, "post": {S: 400, M: 400}},
    "screening:family-member-history": {"get": {S: 200, M: 200}},
    "screening:relationship-add": {"post": {S: 400, M: 400}},
    "outcomes:my-referral": {"get": {REF: 200}},
    "outcomes:my-referral-withdraw": {"get": {REF: 200}, "post": {REF: 400}},
    "outcomes:person-chronology": {"get": {S: 200, M: 200}},
    "outcomes:person-chronology-pdf": {"get": {S: 200, M: 200}},
    "outcomes:contact-notices": {"get": {S: 200, M: 200}},
    "outcomes:contact-outcomes": {"get": {S: 200, M: 200}, "post": {S: 200, M: 200}},
    "outcomes:notice-resend": {"post": {M: 302}},
}
# What a POST sends where an empty form would not reach the record's own action.
RESTRICTED_POSTS = {
    "referrals:subject-match": lambda ids: {"candidate": "none"},
    "screening:reassign": lambda ids: {"to": ids["screener_id"]},
}
# URLs with a child's record in them that have no row above, and why.
NOT_RESTRICTABLE = {
    # The partner API answers a referrer about the contacts they made, which the
    # writer's rule always opens (tests/referrals/test_api.py).
    "api-contact-detail",
    # The same for attaching a file through the partner API (tests/referrals/test_documents_api.py).
    "api-contact-documents",
    # The case system writes its own id to any contact, as it posts outcome events, and
    # the answer shows nothing of the record (tests/referrals/test_case_system_id.py).
    "api-contact-case-system-id",
}
RECORD_ARGS = {
    "reference",
    "subject_id",
    "person_id",
    "decision_id",
    "check_id",
    "held_check_id",
    "entry_id",
    "action_id",
    "notice_id",
    "warning_id",
    "relationship_id",
    "log_entry_id",
    "document_id",
}


@pytest.fixture
def restricted_world(world):
    """The world's records restricted to its screener, manager and partner member:
    the contact being screened, the one waiting for approval, and the child on the
    first (a person record). With one more user of each of those roles, not named."""
    users, ids = world
    manager = users[M]
    named = [users[S], users[M], users[PAM]]
    waiting = Decision.objects.get(pk=ids["decision_id"]).contact
    records = [
        {"contact": Contact.objects.get(reference=ids["reference"])},
        {"contact": waiting},
        {"person": Person.objects.get(pk=ids["person_id"])},
    ]
    for record in records:
        referral_services.restriction_add(
            actor=manager,
            reason="A member of staff's family.",
            ask=manager,
            allowed=named,
            review_due=timezone.localdate() + timedelta(days=30),
            **record,
        )
    outsiders = {
        role: UserFactory(roles=[Role(role)], agency=users[role].agency) for role in (S, M, PAM)
    }
    return users, outsiders, ids


def test_every_url_about_a_childs_record_is_tried_restricted():
    about_a_record = {name for name, args in ARGS.items() if RECORD_ARGS & set(args)}
    missing = sorted(about_a_record - set(RESTRICTED) - NOT_RESTRICTABLE)
    assert not missing, f"Say who opens these on a restricted record in RESTRICTED: {missing}"


def test_a_restricted_record_opens_only_to_the_people_named_on_it(client, restricted_world):
    users, outsiders, ids = restricted_world
    sessions: dict[int, dict] = {}  # each user signed in once, on their first try
    client.raise_request_exception = False
    wrong = []
    for name, methods in RESTRICTED.items():
        url = url_for(name, ids)
        for method, named in methods.items():
            data = RESTRICTED_POSTS[name](ids) if name in RESTRICTED_POSTS else {}
            for role, answer in named.items():
                # The one not named first: a named user's POST may change the record.
                tries = [("named", users[role], answer)]
                if role in outsiders:
                    tries.insert(0, ("not named", outsiders[role], 403))
                for label, user, expected in tries:
                    if user.pk not in sessions:
                        sessions[user.pk] = session_after_sign_in(VerifiedClient(), user)
                    sign_in_with(client, sessions[user.pk])
                    response = getattr(client, method)(url, data)
                    refused_as_restricted = expected != 403 or (
                        "This record is restricted" in response.text
                    )
                    if response.status_code != expected or not refused_as_restricted:
                        wrong.append(
                            f"{method.upper()} {name} as {role} {label}: "
                            f"{response.status_code}, expected {expected}"
                        )
    assert not wrong, "\n".join(wrong)
