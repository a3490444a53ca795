"""Writes to accounts and agencies."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.db import transaction

from frontdoor.models import Agency, ReferralSource, User
from frontdoor.roles import Role


@transaction.atomic
def agency_create(
    *,
    name: str,
    type: Agency.Type,
    referral_source_code: str,
    email_domains: Iterable[str] = (),
) -> Agency:
    return Agency.objects.create(
        name=name,
        type=type,
        referral_source=ReferralSource.objects.get(code=referral_source_code),
        email_domains=[domain.lower().strip() for domain in email_domains],
    )


@transaction.atomic
def user_create(
    *,
    email: str,
    full_name: str,
    agency: Agency,
    roles: Iterable[Role],
    password: str | None,
    job_title: str = "",
) -> User:
    """Create an account holding ``roles``; administrators may use the admin screens."""
    roles = list(roles)
    user = User.objects.create_user(
        email=email,
        password=password,
        full_name=full_name,
        job_title=job_title,
        agency=agency,
        is_staff=Role.ADMINISTRATOR in roles,
    )
    user.groups.set(Group.objects.filter(name__in=[role.value for role in roles]))
    return user


def sessions_clear_expired() -> int:
    """Remove expired sessions; return how many went."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
