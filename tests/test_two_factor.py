"""Two-factor sign-in for staff, through the pages, with a plain (unverified) client."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from frontdoor.roles import Role
from tests.conftest import otp_code_for
from tests.factories import UserFactory

SETUP = reverse("two-factor-setup")
VERIFY = reverse("two-factor-verify")


def let_the_pause_pass(user) -> None:
    """Move each device's last wrong code back by the pause django-otp makes after it
    (the factor, doubled for each wrong code in a row), as if the person had waited:
    the test does not wait on the clock."""
    for device in TOTPDevice.objects.filter(user=user, throttling_failure_count__gt=0):
        pause = device.get_throttle_factor() * 2 ** (device.throttling_failure_count - 1)
        device.throttling_failure_timestamp -= timedelta(seconds=pause)
        device.save(update_fields=["throttling_failure_timestamp"])


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
    let_the_pause_pass(user)  # django-otp doubles the pause after each wrong code, from 1 s
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


# --- Issue 16, finding 1: a password alone must never reach set-up --------------------


def test_a_password_alone_cannot_replace_a_confirmed_authenticator(
    plain_client, screener, password
):
    owners = TOTPDevice.objects.create(user=screener, name="Owner's phone", confirmed=True)
    _sign_in(plain_client, screener, password)
    page = plain_client.get(SETUP)
    assert page.status_code == 302
    assert page["Location"].startswith(VERIFY)
    # Posting straight to set-up with a secret of the attacker's own making gets nowhere.
    posted = plain_client.post(SETUP, {"code": "123456", "current_code": "123456"})
    assert posted["Location"].startswith(VERIFY)
    assert list(TOTPDevice.objects.filter(user=screener, confirmed=True)) == [owners]
    assert plain_client.get(reverse("home"))["Location"].startswith(VERIFY)


def test_the_set_up_secret_stays_the_same_across_reloads(plain_client, screener, password):
    _sign_in(plain_client, screener, password)
    first = plain_client.get(SETUP).context["secret"]
    again = plain_client.get(SETUP).context["secret"]
    assert first == again
    assert TOTPDevice.objects.filter(user=screener, confirmed=False).count() == 1


def test_an_expired_set_up_secret_is_replaced(plain_client, screener, password):
    from datetime import timedelta

    from django.utils import timezone

    from frontdoor.two_factor import PENDING_DEVICE_LIFETIME

    _sign_in(plain_client, screener, password)
    first = plain_client.get(SETUP).context["secret"]
    TOTPDevice.objects.filter(user=screener).update(
        created_at=timezone.now() - PENDING_DEVICE_LIFETIME - timedelta(seconds=1)
    )
    assert plain_client.get(SETUP).context["secret"] != first
    assert TOTPDevice.objects.filter(user=screener, confirmed=False).count() == 1


def test_replacing_an_authenticator_needs_a_code_from_the_current_one(client, screener):
    from frontdoor.models import AuditEvent

    client.force_login(screener)  # verified with the current device, as after a real sign-in
    current = TOTPDevice.objects.get(user=screener, confirmed=True)
    page = client.get(SETUP)
    assert page.status_code == 200
    assert "Change your authenticator app" in page.content.decode()
    new_device = TOTPDevice.objects.get(user=screener, confirmed=False)

    without_current = client.post(SETUP, {"code": otp_code_for_device(new_device)})
    assert "Enter the 6-number code from the authenticator app you use now" in (
        without_current.content.decode()
    )
    wrong_current = client.post(
        SETUP, {"current_code": "000000", "code": otp_code_for_device(new_device)}
    )
    assert "did not match" in wrong_current.content.decode()
    assert TOTPDevice.objects.get(user=screener, confirmed=True) == current

    let_the_pause_pass(screener)  # django-otp pauses codes for a second after a wrong one
    done = client.post(
        SETUP,
        {"current_code": otp_code_for_device(current), "code": otp_code_for_device(new_device)},
    )
    assert done.status_code == 302
    assert list(TOTPDevice.objects.filter(user=screener)) == [new_device]
    assert TOTPDevice.objects.get(user=screener).confirmed
    assert AuditEvent.objects.filter(
        record_type="account", record_id=str(screener.pk), detail__two_factor="device replaced"
    ).exists()


def otp_code_for_device(device) -> str:
    from django_otp.oath import TOTP

    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if totp.t() <= device.last_t:
        totp.time = device.t0 + (device.last_t + 1) * device.step
    return f"{totp.token():0{device.digits}d}"
