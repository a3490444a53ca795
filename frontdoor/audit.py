"""Writing the audit trail: one call per view or change of a child's record."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest

from frontdoor.models import AuditEvent, User


def _client_ip(request: HttpRequest | None) -> str | None:
    """The client's own address: behind TRUSTED_PROXY_COUNT proxies, read from
    X-Forwarded-For the same way sign-in lockout reads it (django-axes, ipware)."""
    if request is None:
        return None
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR")


def _via(request: HttpRequest | None, default: str) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name:
        return match.view_name
    return default


def audit_record(
    *,
    actor: User | None,
    action: AuditEvent.Action,
    record_type: str,
    record_id: str | int,
    request: HttpRequest | None = None,
    via: str = "",
    detail: dict | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        record_type=record_type,
        record_id=str(record_id),
        via=_via(request, via),
        ip_address=_client_ip(request),
        detail=detail or {},
    )


def audit_views(
    *,
    actor: User,
    record_type: str,
    record_ids: Iterable[str | int],
    request: HttpRequest | None = None,
    via: str = "",
    action: AuditEvent.Action = AuditEvent.Action.VIEW,
) -> None:
    ip, where = _client_ip(request), _via(request, via)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=actor,
            action=action,
            record_type=record_type,
            record_id=str(record_id),
            via=where,
            ip_address=ip,
        )
        for record_id in record_ids
    )
