"""Two-factor sign-in (TOTP, django-otp) for everyone who works inside the front door.

Staff roles (everyone but referrers and service accounts) must confirm an
authenticator app the first time they sign in and give a code from it every time
after; until they do, every page but these sends them to do it. Referrers are
partner professionals reaching only their own referrals; service accounts use
bearer tokens, which are machine credentials (see SECURITY.md).
"""

from __future__ import annotations

import base64
from datetime import timedelta
from urllib.parse import quote

import django_otp
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp.plugins.otp_totp.models import TOTPDevice

from frontdoor.audit import audit_record
from frontdoor.models import AuditEvent, User
from frontdoor.roles import Role
from frontdoor.selectors import user_group_names

DEVICE_NAME = "Authenticator app"
# How long a secret shown for setting up stays usable: long enough to find a phone and
# scan it, short enough that a secret glimpsed on a screen goes stale.
PENDING_DEVICE_LIFETIME = timedelta(minutes=30)
STAFF_ROLES = {role.value for role in Role} - {Role.REFERRER.value, Role.CASE_SYSTEM.value}


def two_factor_required(user: User) -> bool:
    return getattr(settings, "TWO_FACTOR_REQUIRED", True) and uses_authenticator(user)


def uses_authenticator(user: User) -> bool:
    """Holds a staff role: signs in with an authenticator app (even where a development
    setting lets them skip it for now)."""
    return user.is_authenticated and bool(user_group_names(user=user) & STAFF_ROLES)


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def setup_allowed(request: HttpRequest) -> bool:
    """Adding an app is open to someone with none; replacing one needs a session already
    verified with it (and, on confirming, a fresh code from it). A password alone must
    never let someone swap in their own phone for the owner's."""
    return confirmed_device(request.user) is None or request.user.is_verified()


@transaction.atomic
def pending_device(*, user: User) -> TOTPDevice:
    """The one secret being set up. It stays the same across reloads, so an app that
    scanned it keeps working, until it is confirmed or PENDING_DEVICE_LIFETIME passes."""
    # Serialise a user's set-up pages (two tabs) so both show the same secret.
    User.objects.select_for_update().filter(pk=user.pk).first()
    stale = Q(created_at__isnull=True) | Q(created_at__lt=timezone.now() - PENDING_DEVICE_LIFETIME)
    TOTPDevice.objects.filter(stale, user=user, confirmed=False).delete()
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-created_at").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


class CodeRefused(Exception):
    """The code was wrong, or codes are paused after several wrong ones; says which,
    and which field of the form it belongs to."""

    def __init__(self, message: str, field: str = "code") -> None:
        super().__init__(message)
        self.field = field


def _check(device: TOTPDevice, token: str, field: str = "code") -> None:
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        raise CodeRefused("Too many wrong codes: wait a minute, then enter the newest code", field)
    if not device.verify_token(token):
        raise CodeRefused(
            "That code did not match: check your phone's time and use the newest code", field
        )


def provisioning_uri(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    issuer = quote(settings.SERVICE_NAME)
    label = quote(f"{settings.SERVICE_NAME}:{device.user.email}")
    return f"otpauth://totp/{label}?secret={secret}&issuer={issuer}&digits={device.digits}"


def secret_for_typing(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def device_confirm(
    *, request: HttpRequest, device: TOTPDevice, token: str, current_token: str | None = None
) -> None:
    """Confirm a new device with its first code; the user is verified from then on.
    Replacing a confirmed device also needs a code from it (``current_token``) in a
    session already verified with it. Raises CodeRefused. (The checks run outside a
    transaction so a wrong code's throttling is kept when the refusal is raised.)"""
    device = TOTPDevice.objects.get(pk=device.pk, user=request.user, confirmed=False)
    current = confirmed_device(request.user)
    if current is not None:
        if not request.user.is_verified():
            raise CodeRefused("Sign in with your current authenticator app first", "current_code")
        if not current_token:
            raise CodeRefused(
                "Enter the code from the authenticator app you use now", "current_code"
            )
        _check(current, current_token, "current_code")
    _check(device, token)
    _confirm(request, device, replaced=current is not None)


@transaction.atomic
def _confirm(request: HttpRequest, device: TOTPDevice, *, replaced: bool) -> None:
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
        detail={"two_factor": "device replaced" if replaced else "device confirmed"},
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
