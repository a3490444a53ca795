"""Writing the audit trail: one call per view or change of a child's record."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import connection
from django.http import HttpRequest
from django.utils import timezone

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


def audit_records(
    *,
    actor: User | None,
    action: AuditEvent.Action,
    record_type: str,
    records: Iterable[tuple[str | int, str, dict]],
) -> list[AuditEvent]:
    """``audit_record`` for many changes at once (no request: a service's own work),
    each ``(record id, via, detail)`` its own row, written in one statement."""
    actor = actor if actor is not None and actor.is_authenticated else None
    return AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=actor,
            action=action,
            record_type=record_type,
            record_id=str(record_id),
            via=via,
            detail=detail or {},
        )
        for record_id, via, detail in records
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
    """One row per record, written in one statement: a list page or a feed page of a
    hundred contacts costs one round trip, not a hundred model instances' worth of SQL
    (bulk_create took four times as long, and was most of a feed page's time)."""
    audit_views_of(
        actor=actor, records={record_type: record_ids}, request=request, via=via, action=action
    )


def audit_views_of(
    *,
    actor: User,
    records: Mapping[str, Iterable[str | int]],
    request: HttpRequest | None = None,
    via: str = "",
    action: AuditEvent.Action = AuditEvent.Action.VIEW,
) -> None:
    """``audit_views`` for a page showing records of more than one kind (a contact and
    the people on it): every row in the one statement, in the order given."""
    kinds, ids = [], []
    for record_type, record_ids in records.items():
        for record_id in record_ids:
            kinds.append(record_type)
            ids.append(str(record_id))
    if not ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT_VIEWS,
            [
                timezone.now(),
                actor.pk,
                action,
                _via(request, via),
                # An empty address (a Unix socket's) is none, as the ORM writes it for
                # one row: cast as it is, '' is not an inet and the page would fail.
                _client_ip(request) or None,
                kinds,
                ids,
            ],
        )


_INSERT_VIEWS = """
INSERT INTO frontdoor_auditevent
    (occurred_at, actor_id, action, record_type, via, ip_address, detail, record_id)
SELECT %s, %s, %s, record_type, %s, %s::inet, '{}'::jsonb, record_id
FROM unnest(%s::text[], %s::text[]) WITH ORDINALITY AS ids (record_type, record_id, n)
ORDER BY n
"""
