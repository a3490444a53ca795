"""Two-factor sign-in (TOTP, django-otp) for everyone who works inside the front door.

Staff roles (everyone but referrers and service accounts) must confirm an
authenticator app the first time they sign in and give a code from it every time
after; until they do, every page but these sends them to do it. Referrers are
partner professionals reaching only their own referrals; service accounts use
bearer tokens, which are machine credentials (see SECURITY.md).
"""

from __future__ import annotations

import base64
from urllib.parse import quote

import django_otp
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp.plugins.otp_totp.models import TOTPDevice

from frontdoor.audit import audit_record
from frontdoor.models import AuditEvent, User
from frontdoor.roles import Role

DEVICE_NAME = "Authenticator app"
STAFF_ROLES = {role.value for role in Role} - {Role.REFERRER.value, Role.CASE_SYSTEM.value}


def two_factor_required(user: User) -> bool:
    if not getattr(settings, "TWO_FACTOR_REQUIRED", True) or not user.is_authenticated:
        return False
    return user.groups.filter(name__in=STAFF_ROLES).exists()


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@transaction.atomic
def device_start(*, user: User) -> TOTPDevice:
    """The unconfirmed device a user is setting up (a new secret each time they start)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


class CodeRefused(Exception):
    """The code was wrong, or codes are paused after several wrong ones; says which."""


def _check(device: TOTPDevice, token: str) -> None:
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        raise CodeRefused("Too many wrong codes: wait a minute, then enter the newest code")
    if not device.verify_token(token):
        raise CodeRefused(
            "That code did not match: check your phone's time and use the newest code"
        )


def provisioning_uri(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    issuer = quote(settings.SERVICE_NAME)
    label = quote(f"{settings.SERVICE_NAME}:{device.user.email}")
    return f"otpauth://totp/{label}?secret={secret}&issuer={issuer}&digits={device.digits}"


def secret_for_typing(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def device_confirm(*, request: HttpRequest, device: TOTPDevice, token: str) -> None:
    """Confirm a new device with its first code; the user is verified from then on.
    Raises CodeRefused. (The check runs outside a transaction so a wrong code's
    throttling is kept when the refusal is raised.)"""
    device = TOTPDevice.objects.get(pk=device.pk, user=request.user, confirmed=False)
    _check(device, token)
    _confirm(request, device)


@transaction.atomic
def _confirm(request: HttpRequest, device: TOTPDevice) -> None:
    TOTPDevice.objects.filter(user=request.user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    django_otp.login(request, device)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.CHANGE,
        record_type="account",
        record_id=request.user.pk,
        request=request,
        detail={"two_factor": "device confirmed"},
    )


def verify(*, request: HttpRequest, token: str) -> None:
    """Accept a code from the user's confirmed device. Raises CodeRefused."""
    device = confirmed_device(request.user)
    if device is None:
        raise CodeRefused("Set up your authenticator app first")
    _check(device, token)
    django_otp.login(request, device)


def safe_next(request: HttpRequest, fallback: str = "home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(fallback)


class TwoFactorRequiredMiddleware:
    """Sends staff who have not given a code this session to set up or verify."""

    # The inactivity timer runs on these pages too: keeping the half-signed-in session
    # alive, or ending it, must not be sent to verify.
    ALWAYS_ALLOWED = (
        "two-factor-setup",
        "two-factor-verify",
        "sign-out",
        "signed-out",
        "keep-alive",
        "session-timed-out",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and two_factor_required(user)
            and not self._allowed(request)
        ):
            name = "two-factor-verify" if confirmed_device(user) else "two-factor-setup"
            return redirect(f"{reverse(name)}?next={quote(request.get_full_path())}")
        return self.get_response(request)

    def _allowed(self, request) -> bool:
        from django.urls import Resolver404, resolve

        try:
            name = resolve(request.path_info).url_name
        except Resolver404:
            return False
        return name in self.ALWAYS_ALLOWED or request.path_info.startswith(settings.STATIC_URL)
