"""Writes to accounts and agencies."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.db import transaction
from django.http import HttpRequest

from frontdoor import selectors
from frontdoor.audit import audit_record
from frontdoor.dispatch import send
from frontdoor.models import Agency, AuditEvent, ReferralSource, User
from frontdoor.roles import Permission, Role


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
    phone: str = "",
) -> User:
    """Create an account holding ``roles``; administrators may use the admin screens."""
    roles = list(roles)
    user = User.objects.create_user(
        email=email,
        password=password,
        full_name=full_name,
        job_title=job_title,
        phone=phone,
        agency=agency,
        is_staff=Role.ADMINISTRATOR in roles,
    )
    user.groups.set(Group.objects.filter(name__in=[role.value for role in roles]))
    selectors.user_group_names_forget(user=user)
    return user


class RoleChangeRefused(Exception):
    """A change of roles that may not be made; the message says why."""


def user_roles_change(
    *, actor: User, user: User, roles: Iterable[Role], request: HttpRequest | None = None
) -> AuditEvent | None:
    """Give ``user`` exactly ``roles``. The one way roles change after an account is
    made: never by the account holder, always with an append-only audit row, and
    every manager and administrator is told (a role change is how an insider would
    widen their own access, so it must be seen). Returns the audit row, or None when
    nothing changed. Raises RoleChangeRefused."""
    if actor.pk == user.pk:
        raise RoleChangeRefused("You cannot change your own roles: ask another administrator")
    if not actor.has_perm(Permission.ADMINISTER_SERVICE.perm):
        raise RoleChangeRefused("Only administrators can change roles")
    wanted = {Role(role).value for role in roles}
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        held = set(locked.groups.filter(name__in=Role.values).values_list("name", flat=True))
        if wanted == held:
            return None
        locked.groups.remove(*Group.objects.filter(name__in=held - wanted))
        locked.groups.add(*Group.objects.filter(name__in=wanted - held))
        selectors.user_group_names_forget(user=user)
        # The admin screens are an administrator's tool; nobody else keeps them.
        locked.is_staff = Role.ADMINISTRATOR.value in wanted or locked.is_superuser
        locked.save(update_fields=["is_staff"])
        event = audit_record(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            record_type="account",
            record_id=locked.pk,
            request=request,
            detail={"roles_added": sorted(wanted - held), "roles_removed": sorted(held - wanted)},
        )
    return event


def role_change_tell_queue(*, event: AuditEvent) -> bool:
    """Queue the emails about a role change; False when the queue cannot be reached
    (the change and its audit row stand; the caller tells the administrator to pass
    the news on themselves)."""
    # The audit row records the change, not the emails, so nothing could sweep them up.
    return send("frontdoor.tasks.role_change_tell", event.pk)


def role_change_tell(*, event_id: int) -> int:
    """Email every active manager and administrator, and the account holder, that an
    account's roles changed and who changed them. Returns how many were sent."""
    from django.conf import settings
    from django.core.mail import send_mail

    event = AuditEvent.objects.select_related("actor").get(pk=event_id)
    changed = User.objects.get(pk=event.record_id)
    added = ", ".join(Role(name).label for name in event.detail.get("roles_added", []))
    removed = ", ".join(Role(name).label for name in event.detail.get("roles_removed", []))
    actor = event.actor.full_name if event.actor else "the system"
    body = (
        f"{changed.full_name}'s roles in {settings.SERVICE_NAME} were changed by {actor} "
        f"on {event.occurred_at:%d %B %Y at %H:%M}.\n\n"
        f"Roles added: {added or 'none'}\nRoles removed: {removed or 'none'}\n\n"
        "If you did not expect this change, tell your information security team.\n"
    )
    recipients = set(
        User.objects.filter(
            is_active=True, groups__name__in=[Role.MANAGER.value, Role.ADMINISTRATOR.value]
        ).values_list("email", flat=True)
    ) | {changed.email}
    for address in sorted(recipients):
        send_mail(
            f"{settings.SERVICE_NAME}: roles changed for {changed.full_name}",
            body,
            None,
            [address],
        )
    return len(recipients)


def sessions_clear_expired() -> int:
    """Remove expired sessions; return how many went."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@transaction.atomic
def user_phone_set(*, actor: User, phone: str) -> User:
    """Change the phone number on the actor's own account (already checked by
    ``frontdoor.phones.uk_phone_clean``); audited without the number itself."""
    user = User.objects.select_for_update().get(pk=actor.pk)
    if user.phone == phone:
        return user
    had = bool(user.phone)
    user.phone = phone
    user.save(update_fields=["phone"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        record_type="user",
        record_id=user.pk,
        via="account:phone",
        detail={
            "field": "phone",
            "change": "removed" if not phone else "changed" if had else "added",
        },
    )
    return user
