"""Partner systems, their scopes and their tokens: every change audited.

Administrators make these changes on the partner systems pages; the
``create_api_client`` command calls the same functions (``actor=None``: the audit row
then says it came from the command line).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from frontdoor.audit import audit_record
from frontdoor.models import Agency, AuditEvent, User
from referrals.models import SCOPE_PERMISSIONS, ApiClient, ApiToken, Scope
from referrals.models.api_clients import PERSON_ROLES

AUDIT_RECORD_TYPE = "partner_system"
COMMAND_LINE = "create_api_client command"
# How long a rotated token may keep working, at most: long enough for a council's
# change window over a bank-holiday weekend, short enough that a leaked token dies.
GRACE_PERIOD_LONGEST = timedelta(days=7)
API_CLIENT_LAST_USED_TO = timedelta(minutes=1)


class ApiClientRefused(Exception):
    """The change cannot be made; the message says why, in words for the page, and
    ``field`` which answer it is about (empty: the whole form)."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def scopes_allowed(account: User) -> list[str]:
    """The scopes a system acting as ``account`` may be given: those whose permission
    the account holds (a case system's account holds outcome recording, not referral);
    police notifications only for an account of a police force."""
    police = account.agency_id is not None and account.agency.type == Agency.Type.POLICE
    return [
        scope
        for scope in Scope.values
        if account.is_active
        and account.has_perm(SCOPE_PERMISSIONS[scope].perm)
        and (police or scope != Scope.SUBMIT_POLICE_NOTIFICATIONS)
    ]


def _check(*, name: str, account: User, scopes: Iterable[str]) -> tuple[str, list[str]]:
    name = name.strip()
    if not name:
        raise ApiClientRefused("Enter the partner system's name", field="name")
    if len(name) > 200:
        raise ApiClientRefused("The name must be 200 characters or fewer", field="name")
    if "\x00" in name:
        raise ApiClientRefused("The name cannot contain a null character", field="name")
    chosen = list(scopes)
    unknown = [scope for scope in chosen if scope not in Scope.values]
    if unknown:
        raise ApiClientRefused("Choose what the system may do from the list", field="scopes")
    if not chosen:
        raise ApiClientRefused("Choose at least one thing the system may do", field="scopes")
    if not account.is_active:
        raise ApiClientRefused("That service account is not active")
    if account.is_superuser or account.groups.filter(name__in=PERSON_ROLES).exists():
        raise ApiClientRefused(
            f"{account.email} is a person's account (it screens, manages or administers): "
            "a partner system acts as a service account of its own",
            field="account",
        )
    allowed = scopes_allowed(account)
    refused = [Scope(scope).label.lower() for scope in chosen if scope not in allowed]
    if refused:
        raise ApiClientRefused(
            f"The account {account.email} may not {', '.join(refused)}: its roles do not "
            "allow it. Choose another account or fewer things.",
            field="scopes",
        )
    return name, [scope for scope in Scope.values if scope in chosen]


def _audit(
    *, actor: User | None, client: ApiClient, action: AuditEvent.Action, what: str, **detail
) -> None:
    audit_record(
        actor=actor,
        action=action,
        record_type=AUDIT_RECORD_TYPE,
        record_id=client.pk,
        via="partner systems pages" if actor is not None else COMMAND_LINE,
        detail={"what": what, **detail},
    )


def _new_token(*, client: ApiClient, actor: User | None) -> tuple[ApiToken, str]:
    prefix = secrets.token_hex(4)
    token = f"fd_{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiToken.objects.create(
        client=client, prefix=prefix, token_hash=_hash_token(token), created_by=actor
    )
    return row, token


@transaction.atomic
def api_client_create(
    *,
    name: str,
    account: User,
    scopes: Iterable[str] | None = None,
    actor: User | None = None,
) -> tuple[ApiClient, str]:
    """Register a partner system acting as ``account`` with ``scopes`` (all its
    account's roles allow, when not given) and issue its first token; return both
    (the token is shown only this once)."""
    name, chosen = _check(
        name=name, account=account, scopes=scopes_allowed(account) if scopes is None else scopes
    )
    client = ApiClient.objects.create(name=name, account=account, scopes=chosen)
    token, secret = _new_token(client=client, actor=actor)
    _audit(
        actor=actor,
        client=client,
        action=AuditEvent.Action.CREATE,
        what="created",
        account=account.pk,
        scopes=chosen,
        token=token.prefix,
    )
    return client, secret


@transaction.atomic
def api_client_change(
    *, actor: User, client: ApiClient, name: str, scopes: Iterable[str]
) -> ApiClient:
    """Rename a system or change what it may do (its tokens keep working)."""
    client = ApiClient.objects.select_for_update().get(pk=client.pk, deleted_at__isnull=True)
    name, chosen = _check(name=name, account=client.account, scopes=scopes)
    before = {"name": client.name, "scopes": list(client.scopes)}
    if before == {"name": name, "scopes": chosen}:
        return client
    client.name, client.scopes = name, chosen
    client.save(update_fields=["name", "scopes"])
    _audit(
        actor=actor,
        client=client,
        action=AuditEvent.Action.CHANGE,
        what="changed",
        scopes_before=before["scopes"],
        scopes=chosen,
        renamed=before["name"] != name,
    )
    return client


@transaction.atomic
def api_client_set_active(*, actor: User, client: ApiClient, active: bool) -> ApiClient:
    """Disable a system (its tokens are refused from the next request) or enable it."""
    client = ApiClient.objects.select_for_update().get(pk=client.pk, deleted_at__isnull=True)
    if client.is_active == active:
        return client
    client.is_active = active
    client.save(update_fields=["is_active"])
    _audit(
        actor=actor,
        client=client,
        action=AuditEvent.Action.CHANGE,
        what="enabled" if active else "disabled",
    )
    return client


@transaction.atomic
def api_client_delete(*, actor: User, client: ApiClient) -> None:
    """Delete a system: every token revoked and the system gone from the pages. Its row
    stays, so the contacts it sent still say which system sent them."""
    client = ApiClient.objects.select_for_update().get(pk=client.pk, deleted_at__isnull=True)
    now = timezone.now()
    client.tokens.filter(revoked_at__isnull=True).update(revoked_at=now)
    client.deleted_at, client.is_active = now, False
    client.save(update_fields=["deleted_at", "is_active"])
    _audit(actor=actor, client=client, action=AuditEvent.Action.CHANGE, what="deleted")


@transaction.atomic
def api_token_issue(
    *, actor: User | None, client: ApiClient, grace: timedelta | None = None
) -> tuple[ApiToken, str]:
    """Issue a new token. With ``grace`` (a rotation) every token still in use ends
    after that long (at once with no grace), so the partner can switch over;
    without it the others stay as they are. Returns the token, shown only this once."""
    client = ApiClient.objects.select_for_update().get(pk=client.pk, deleted_at__isnull=True)
    if grace is not None and not timedelta(0) <= grace <= GRACE_PERIOD_LONGEST:
        raise ApiClientRefused(
            "The old token can keep working for 0 hours to 7 days", field="grace"
        )
    ended: list[str] = []
    ends_at = None
    if grace is not None:
        ends_at = timezone.now() + grace
        replaced = client.tokens.usable().filter(expires_at__isnull=True)
        ended = list(replaced.values_list("prefix", flat=True))
        replaced.update(expires_at=ends_at)
    token, secret = _new_token(client=client, actor=actor)
    _audit(
        actor=actor,
        client=client,
        action=AuditEvent.Action.CHANGE,
        what="token rotated" if grace is not None else "token issued",
        token=token.prefix,
        ending=ended,
        ends_at=ends_at.isoformat() if ends_at else None,
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Refuse the token from the next request."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        _audit(
            actor=actor,
            client=token.client,
            action=AuditEvent.Action.CHANGE,
            what="token revoked",
            token=token.prefix,
        )
    return token


def api_client_authenticate(*, token: str, at: datetime | None = None) -> ApiClient | None:
    """The enabled system whose token this is, while the token is usable (at ``at``,
    now unless given) and its service account active; None otherwise."""
    now = at or timezone.now()
    row = (
        ApiToken.objects.usable(now)
        # The agency's census code too: intake records it on every contact.
        .select_related("client__account__agency__referral_source")
        .filter(
            token_hash=_hash_token(token),
            client__is_active=True,
            client__deleted_at__isnull=True,
            client__account__is_active=True,
        )
        .first()
    )
    if row is None:
        return None
    # "Last used" to the minute: a write (and a commit) on every call would make a
    # busy partner's requests queue behind each other for its one row.
    if row.last_used_at is None or now - row.last_used_at >= API_CLIENT_LAST_USED_TO:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        ApiClient.objects.filter(pk=row.client_id).update(last_used_at=now)
    return row.client
