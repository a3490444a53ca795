"""The one check of a partner system's scopes, for every API endpoint.

A request made with a partner token (``request.auth`` is its ``ApiClient``) may do only
what the system's scopes allow; the account's own permissions are still checked by
each endpoint, so a scope narrows and never widens. A signed-in person's request
(the scorecard's JSON, read from the page) carries no token and no scopes to check.
"""

from __future__ import annotations

from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from referrals.models import ApiClient, Scope


def require_scope(request, scope: Scope) -> None:
    """Raise 403 when the request's partner token lacks ``scope``."""
    client = getattr(request, "auth", None)
    if isinstance(client, ApiClient) and not client.has_scope(scope):
        raise PermissionDenied(
            f"This partner system's token may not be used to {Scope(scope).label.lower()}: "
            "ask the council's administrator to add it to the system."
        )


def scope_required(scope: Scope) -> type[BasePermission]:
    """A DRF permission class for ``permission_classes``: the same check as
    ``require_scope``, before the view runs."""

    class HasScope(BasePermission):
        def has_permission(self, request, view) -> bool:
            require_scope(request, scope)
            return True

    HasScope.__name__ = f"HasScope_{scope}"
    return HasScope
