from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from frontdoor.roles import Role
from frontdoor.sessions import REFRESHED_AT, refresh_interval
from frontdoor.settings import base as production
from tests.support.landing import LANDING_HEADINGS


def sign_in(client, email, password, next_url=""):
    return client.post(
        reverse("sign-in"), {"username": email, "password": password, "next": next_url}
    )


@pytest.mark.parametrize("persona", list(Role), indirect=True)
def test_each_role_signs_in_and_lands_on_its_own_page(client, persona, password):
    from frontdoor.two_factor import STAFF_ROLES
    from tests.conftest import otp_code_for

    response = sign_in(client, persona.email, password)
    assert response.status_code == 302
    assert response.url == reverse("home")
    if persona.groups.filter(name__in=STAFF_ROLES).exists():
        # Staff add an authenticator app at their first sign-in (tests/test_two_factor.py).
        setup = client.get(reverse("home"))
        assert setup.url.startswith(reverse("two-factor-setup"))
        client.get(setup.url)
        done = client.post(reverse("two-factor-setup"), {"code": otp_code_for(persona)})
        assert done.url == reverse("home")

    home = client.get(reverse("home"))
    role = Role(persona.groups.get().name)
    assert home.status_code == 200
    assert f'<h1 class="govuk-heading-l">{LANDING_HEADINGS[role]}</h1>' in home.text
    assert escape(persona.full_name) in home.text
    assert home["Cache-Control"] == "no-store"


def test_wrong_password_gives_clear_message_and_keeps_the_email(client, screener):
    response = sign_in(client, screener.email, "not-the-password")

    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Enter a correct email address and password" in response.text
    assert f'value="{screener.email}"' in response.text
    assert "<title>Error: Sign in" in response.text
    assert "_auth_user_id" not in client.session


def test_missing_fields_are_each_named(client, db):
    response = client.post(reverse("sign-in"), {"username": "", "password": ""})

    assert "Enter your email address" in response.text
    assert "Enter your password" in response.text
    assert 'href="#id_username"' in response.text
    assert 'href="#id_password"' in response.text


def test_closed_account_cannot_sign_in(client, screener, password):
    screener.is_active = False
    screener.save()

    response = sign_in(client, screener.email, password)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_email_is_matched_whatever_its_case(client, screener, password):
    response = sign_in(client, screener.email.upper(), password)
    assert response.status_code == 302


def test_signed_out_visitor_is_sent_to_sign_in_and_back(client, screener, password):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("sign-in"))

    response = sign_in(client, screener.email, password, next_url=reverse("home"))
    assert response.url == reverse("home")


def test_sign_in_refuses_to_redirect_off_site(client, screener, password):
    response = sign_in(client, screener.email, password, next_url="https://evil.example/")
    assert response.url == reverse("home")


def test_sign_out_needs_a_post_and_ends_the_session(client, screener):
    client.force_login(screener)

    assert client.get(reverse("sign-out")).status_code == 405
    response = client.post(reverse("sign-out"))

    assert response.url == reverse("signed-out")
    assert client.get(reverse("home")).status_code == 302


def test_a_link_to_the_signed_out_page_does_not_sign_anyone_out(client, screener):
    """Issue 16, finding 13: an <img src=/signed-out/?timeout=1> on another site, or a
    link in an email, must not end a session; only the sign-out POST does."""
    client.force_login(screener)

    page = client.get(reverse("signed-out") + "?timeout=1")

    assert "You are still signed in" in page.content.decode()
    assert client.get(reverse("home")).status_code == 200


def test_session_expires_after_inactivity(client, screener, settings):
    client.force_login(screener)
    assert client.get(reverse("home")).status_code == 200
    session = Session.objects.get(session_key=client.session.session_key)
    timeout = settings.SESSION_INACTIVITY_TIMEOUT

    # Activity pushes the expiry on: it is always one timeout from the last request.
    assert session.expire_date > timezone.now() + timeout - timedelta(seconds=30)

    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("sign-in"))


def test_the_session_is_written_again_only_when_due_and_always_to_stay_signed_in(
    client, screener, settings
):
    # (A minute here, so a slow machine's two pages still come within it.)
    settings.SESSION_REFRESH_SECONDS = 60
    client.force_login(screener)
    client.get(reverse("home"))
    key = client.session.session_key

    def expiry():
        return Session.objects.get(session_key=key).expire_date

    written = expiry()
    # Pages in quick succession leave the session as written...
    client.get(reverse("home"))
    assert expiry() == written
    # ...but "Stay signed in" always writes it,
    assert client.post(reverse("keep-alive")).status_code == 204
    stayed = expiry()
    assert stayed > written
    # and a page once the session was last written longer ago than the interval.
    session = client.session
    session[REFRESHED_AT] -= refresh_interval()
    session.save()
    Session.objects.filter(session_key=key).update(expire_date=stayed)
    client.get(reverse("home"))
    assert expiry() > stayed


def test_the_server_writes_its_session_more_often_than_the_browsers_margin(settings):
    """The browser ends its session min(10 s, a tenth of the timeout) before the
    server's, counting from its last request: the server's may lag by the interval."""
    settings.SESSION_REFRESH_SECONDS = production.SESSION_REFRESH_SECONDS
    for seconds in (5, 60, 600, 1800, 8 * 3600):
        settings.SESSION_COOKIE_AGE = seconds
        assert refresh_interval() <= min(10, seconds / 10) / 2


def test_sign_in_form_is_protected_against_cross_site_posting(db, screener, password):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("sign-in"), {"username": screener.email, "password": password})
    assert response.status_code == 403


def test_user_without_a_role_is_told_what_to_do(client, agency):
    from tests.factories import UserFactory

    user = UserFactory(agency=agency)
    client.force_login(user)

    response = client.get(reverse("home"))

    assert "You do not have a role yet" in response.text


def test_pages_carry_a_content_security_policy_with_a_nonce(client, db):
    response = client.get(reverse("sign-in"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "'nonce-" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


def test_repeated_wrong_passwords_lock_out_that_account_from_that_address(
    client, screener, password, settings
):
    from django.test import Client

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, screener.email, "wrong-guess").status_code == 200
    assert sign_in(client, screener.email, "wrong-guess").status_code == 429

    locked = sign_in(client, screener.email, password)
    assert locked.status_code == 429
    assert "You cannot sign in for now" in locked.text
    assert "_auth_user_id" not in client.session

    elsewhere = Client(REMOTE_ADDR="192.0.2.44")
    assert sign_in(elsewhere, screener.email, password).status_code == 302


def test_a_successful_sign_in_resets_the_count(client, screener, password, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, screener.email, "wrong-guess")
    assert sign_in(client, screener.email, password).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, screener.email, "wrong-guess")
    assert sign_in(client, screener.email, password).status_code == 302
