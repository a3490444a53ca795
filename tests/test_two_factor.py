"""Two-factor sign-in for staff, through the pages, with a plain (unverified) client."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from frontdoor.roles import Role
from tests.conftest import otp_code_for
from tests.factories import UserFactory

SETUP = reverse("two-factor-setup")
VERIFY = reverse("two-factor-verify")


def _sign_in(client, user, password, next_url=""):
    data = {"username": user.email, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("sign-in"), data)


@pytest.mark.parametrize(
    "role",
    [
        Role.SCREENER,
        Role.MANAGER,
        Role.PARTNER_AGENCY_MEMBER,
        Role.PERFORMANCE_VIEWER,
        Role.ADMINISTRATOR,
    ],
)
def test_staff_set_up_an_authenticator_at_first_sign_in(plain_client, db, password, role):
    user = UserFactory(roles=[role])
    _sign_in(plain_client, user, password)
    home = plain_client.get(reverse("home"))
    assert home.status_code == 302
    assert home["Location"].startswith(SETUP)
    setup = plain_client.get(home["Location"])
    assert setup.status_code == 200
    assert b"<svg" in setup.content  # the QR code
    wrong = plain_client.post(SETUP, {"code": "000000", "next": "/"})
    assert "did not match" in wrong.content.decode()
    paused = plain_client.post(SETUP, {"code": otp_code_for(user), "next": "/"})
    assert "Too many wrong codes" in paused.content.decode()
    time.sleep(1.1)  # django-otp doubles the pause after each wrong code, from 1 s
    right = plain_client.post(SETUP, {"code": otp_code_for(user), "next": "/"})
    assert right.status_code == 302
    assert plain_client.get(reverse("home")).status_code == 200
    assert TOTPDevice.objects.get(user=user).confirmed


def test_every_later_sign_in_asks_for_a_code(plain_client, screener, password):
    device = TOTPDevice.objects.create(user=screener, name="App", confirmed=True)
    response = _sign_in(plain_client, screener, password, next_url="/screening/")
    queue = plain_client.get(response["Location"])
    assert queue["Location"].startswith(VERIFY)
    for path in ("/screening/", "/referrals/", "/api/v1/scorecard/?period=2026-Q3"):
        assert plain_client.get(path)["Location"].startswith(VERIFY), path
    bad = plain_client.post(VERIFY, {"code": "12a456"})
    assert "Enter the code as 6 numbers" in bad.content.decode()
    done = plain_client.post(VERIFY, {"code": otp_code_for(screener), "next": "/screening/"})
    assert done["Location"] == "/screening/"
    assert plain_client.get("/screening/").status_code == 200
    device.refresh_from_db()
    assert device.last_t >= 0


def test_a_code_works_only_once(plain_client, screener, password):
    TOTPDevice.objects.create(user=screener, name="App", confirmed=True)
    code = otp_code_for(screener)
    _sign_in(plain_client, screener, password)
    plain_client.post(VERIFY, {"code": code})
    plain_client.post(reverse("sign-out"))
    _sign_in(plain_client, screener, password)
    again = plain_client.post(VERIFY, {"code": code})
    assert "did not match" in again.content.decode()


def test_the_next_address_cannot_point_off_site(plain_client, screener, password):
    TOTPDevice.objects.create(user=screener, name="App", confirmed=True)
    _sign_in(plain_client, screener, password)
    response = plain_client.post(
        VERIFY, {"code": otp_code_for(screener), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


def test_referrers_sign_in_with_their_password_alone(plain_client, referrer, password):
    _sign_in(plain_client, referrer, password)
    assert plain_client.get(reverse("outcomes:my-referrals")).status_code == 200


def test_an_administrator_removes_a_lost_authenticator(client, administrator, screener):
    device = TOTPDevice.objects.create(user=screener, name="Lost phone", confirmed=True)
    client.force_login(administrator)
    url = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"post": "yes"})
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
