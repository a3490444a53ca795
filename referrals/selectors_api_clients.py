"""Reads for the partner systems pages (administrators only)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from frontdoor.models import User
from frontdoor.roles import Permission
from referrals.models.api_clients import PERSON_ROLES, SERVICE_ROLES, ApiClient, ApiToken


def can_manage_systems(user: User) -> bool:
    return user.is_authenticated and user.has_perm(Permission.ADMINISTER_SERVICE.perm)


def _require(user: User) -> None:
    if not can_manage_systems(user):
        raise PermissionDenied


def api_clients_for(*, user: User) -> QuerySet[ApiClient]:
    """Every partner system not deleted, with its service account and tokens."""
    _require(user)
    return (
        ApiClient.objects.filter(deleted_at__isnull=True)
        .select_related("account", "account__agency")
        .prefetch_related(
            Prefetch("tokens", queryset=ApiToken.objects.select_related("created_by"))
        )
    )


def api_client_get(*, user: User, client_id: int) -> ApiClient:
    """The access function for a partner system: 403 for anyone but an administrator,
    404 alike for a missing or deleted one."""
    try:
        return api_clients_for(user=user).get(pk=client_id)
    except ApiClient.DoesNotExist:
        raise Http404("No partner system found") from None


def api_token_get(*, user: User, client_id: int, token_id: int) -> ApiToken:
    client = api_client_get(user=user, client_id=client_id)
    try:
        return client.tokens.get(pk=token_id)
    except ApiToken.DoesNotExist:
        raise Http404("No token found") from None


def service_accounts(*, user: User) -> QuerySet[User]:
    """Accounts a partner system may act as: active, holding a service role and no
    role of a person who signs in to the service."""
    _require(user)
    return (
        User.objects.filter(is_active=True, groups__name__in=[r.value for r in SERVICE_ROLES])
        .exclude(groups__name__in=[r.value for r in PERSON_ROLES])
        .exclude(is_superuser=True)
        .select_related("agency")
        .distinct()
        .order_by("email")
    )
