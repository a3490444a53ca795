"""Reads about accounts and roles."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import CharField, Count, Q, Value

from frontdoor.models import Agency, User
from frontdoor.roles import Permission, Role

# Where a user object keeps its group names once read (see user_group_names), beside
# the caches Django's ModelBackend keeps its permissions in.
_GROUP_NAMES = "_frontdoor_group_names"
_PERMISSION_CACHES = ("_perm_cache", "_user_perm_cache", "_group_perm_cache")


def user_access_load(*, user: User) -> None:
    """Read the user's groups, their groups' permissions and their own permissions in
    one query, and keep them on the user object where ``user_group_names`` and Django's
    ModelBackend look (frontdoor.auth_backends). Every signed-in page needs all three:
    Django asked for them in three queries."""
    through_groups = User.groups.through.objects.filter(user_id=user.pk)
    through_own = User.user_permissions.through.objects.filter(user_id=user.pk)
    rows = through_groups.values_list(
        "group__name",
        "group__permissions__content_type__app_label",
        "group__permissions__codename",
    ).union(
        through_own.values_list(
            Value(None, output_field=CharField()),
            "permission__content_type__app_label",
            "permission__codename",
        ),
        all=True,
    )
    names: set[str] = set()
    from_groups: set[str] = set()
    own: set[str] = set()
    for group, app_label, codename in rows:
        if group is None:
            own.add(f"{app_label}.{codename}")
            continue
        names.add(group)
        if codename is not None:
            from_groups.add(f"{app_label}.{codename}")
    setattr(user, _GROUP_NAMES, frozenset(names))
    user._user_perm_cache = own
    user._group_perm_cache = from_groups
    user._perm_cache = own | from_groups


def user_group_names(*, user: User) -> frozenset[str]:
    """The names of the user's groups, read once per user object: the two-factor check,
    the page header and the page itself each ask during one request. Each request loads
    its user afresh, as Django's own permission cache relies on; code that changes the
    groups of a user object it goes on using calls ``user_group_names_forget``."""
    names = getattr(user, _GROUP_NAMES, None)
    if names is None:
        user_access_load(user=user)
        names = getattr(user, _GROUP_NAMES)
    return names


def user_group_names_forget(*, user: User) -> None:
    """Forget the groups and permissions read for ``user``: they are read again when
    next asked for."""
    for cache in (_GROUP_NAMES, *_PERMISSION_CACHES):
        if hasattr(user, cache):
            delattr(user, cache)


def user_roles(*, user: User | AnonymousUser) -> list[Role]:
    """The user's roles, in landing priority order."""
    if not user.is_authenticated:
        return []
    names = user_group_names(user=user)
    return [role for role in Role if role.value in names]


def user_primary_role(*, user: User | AnonymousUser) -> Role | None:
    roles = user_roles(user=user)
    return roles[0] if roles else None


def agencies_with_user_counts(*, user: User) -> list[Agency]:
    if not user.has_perm(Permission.ADMINISTER_SERVICE.perm):
        return []
    return list(
        Agency.objects.select_related("referral_source")
        .annotate(active_users=Count("users", filter=Q(users__is_active=True)))
        # Meta.ordering is not applied to aggregated queries.
        .order_by("name")
    )


def role_membership_counts(*, user: User) -> dict[Role, int]:
    if not user.has_perm(Permission.ADMINISTER_SERVICE.perm):
        return {}
    counts = dict(
        User.objects.filter(is_active=True)
        .values_list("groups__name")
        .annotate(n=Count("id"))
        .values_list("groups__name", "n")
    )
    return {role: counts.get(role.value, 0) for role in Role}


def service_health() -> dict[str, dict[str, object]]:
    """Whether the database, Redis, a Celery worker for our queue and the virus scanner
    answer.

    Each check is bounded so a dead dependency makes the endpoint slow by seconds,
    not minutes; a failure reports its exception class, never connection strings.
    The scanner's check also says which signature database it scans with and its date,
    so a monitor can alert on signatures that stopped updating.
    """
    return {
        "database": _check(_database_answers),
        "redis": _check(_redis_answers),
        "worker": _check(_worker_answers),
        "scanner": _scanner_check(),
    }


def _check(probe) -> dict[str, object]:
    try:
        ok, detail = probe()
    except Exception as error:
        return {"ok": False, "detail": type(error).__name__}
    return {"ok": ok, "detail": detail}


def _scanner_check() -> dict[str, object]:
    """clamd's version and signature database, in the words the documents pages use;
    never its socket path or host (``scanner_state`` keeps them to itself)."""
    from frontdoor.malware import scanner_state

    try:
        state = scanner_state()
    except Exception as error:
        return {"ok": False, "detail": type(error).__name__}
    if not state.reachable:
        # Uploads wait in quarantine while it is down: nothing is attached unscanned.
        return {"ok": False, "detail": "the virus scanner did not answer"}
    return {
        "ok": True,
        "detail": "answered",
        "version": state.version,
        "signatures": state.database,
        "signatures_date": state.database_date.isoformat() if state.database_date else None,
    }


def _database_answers() -> tuple[bool, str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return True, "answered"


def _redis_answers() -> tuple[bool, str]:
    import redis
    from django.conf import settings

    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    finally:
        client.close()
    return True, "answered"


def _worker_answers() -> tuple[bool, str]:
    from django.conf import settings

    from frontdoor.celery import app

    queue = getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")
    # A connection of its own: one kept in the pool from before a Redis restart is
    # broken, and would report the workers down when only that connection is.
    with app.connection_for_write() as connection:
        inspect = app.control.inspect(
            timeout=settings.HEALTH_WORKER_REPLY_SECONDS, connection=connection
        )
        replies = inspect.active_queues() or {}
    consuming = [
        worker for worker, queues in replies.items() if any(q.get("name") == queue for q in queues)
    ]
    if consuming:
        return True, f"{len(consuming)} worker(s) consuming"
    return False, "no worker is consuming the task queue"


def can_record_police(user: User | AnonymousUser) -> bool:
    """Police staff seconded to the front door: an account of an active police force
    that screens or answers checks (a screener or partner-agency member). They record
    what their own force sends (docs/adr/0037). Here, below every app, so the
    navigation asks the same rule as the pages."""
    if not user.is_authenticated or not user.agency_id:
        return False
    if user.agency.type != Agency.Type.POLICE or not user.agency.is_active:
        return False
    return user.has_perm(Permission.SCREEN_CONTACTS.perm) or user.has_perm(
        Permission.ANSWER_AGENCY_CHECKS.perm
    )
