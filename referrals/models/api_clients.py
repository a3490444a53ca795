"""Partner systems allowed to use the API, what each may do (scopes), and their tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from frontdoor.roles import Permission, Role


class Scope(models.TextChoices):
    """What a partner system's token may be used for. A scope is only ever granted to a
    system whose service account also holds the permission in ``SCOPE_PERMISSIONS``:
    the scope narrows what the account may do through the API, never widens it."""

    SUBMIT_CONTACTS = "submit_contacts", "Submit contacts"
    # A police force's system only (its service account's agency is a police force).
    SUBMIT_POLICE_NOTIFICATIONS = "submit_police_notifications", "Submit police notifications"
    READ_OWN_CONTACTS = "read_own_contacts", "Read the contacts it submitted"
    POST_OUTCOME_EVENTS = (
        "post_outcome_events",
        "Post outcome events and its own ids for contacts",
    )
    READ_SCORECARD = "read_scorecard", "Read the scorecard"
    # Outbound events: the pull feed (GET /api/v1/events/) and webhook endpoints.
    RECEIVE_EVENTS = "receive_events", "Receive events about decisions"


SCOPE_PERMISSIONS: dict[str, Permission] = {
    Scope.SUBMIT_CONTACTS: Permission.SUBMIT_REFERRALS,
    Scope.SUBMIT_POLICE_NOTIFICATIONS: Permission.SUBMIT_REFERRALS,
    Scope.READ_OWN_CONTACTS: Permission.SUBMIT_REFERRALS,
    Scope.POST_OUTCOME_EVENTS: Permission.RECORD_OUTCOMES,
    Scope.READ_SCORECARD: Permission.VIEW_PERFORMANCE,
    Scope.RECEIVE_EVENTS: Permission.RECORD_OUTCOMES,
}


# The roles a service account holds. A system never acts as a person who signs in to
# screen or manage: what it did would read as theirs.
SERVICE_ROLES = (Role.REFERRER, Role.CASE_SYSTEM, Role.PERFORMANCE_VIEWER)
PERSON_ROLES = (
    Role.ADMINISTRATOR,
    Role.MANAGER,
    Role.HEAD_OF_SERVICE,
    Role.SCREENER,
    Role.PARTNER_AGENCY_MEMBER,
)


class ApiClient(models.Model):
    """A partner system using the API, acting as one named service account.

    Deleting one keeps its row (the contacts it sent still say where they came from)
    with ``deleted_at`` set and every token revoked; it then shows nowhere.
    """

    name = models.CharField(max_length=200)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_clients"
    )
    scopes = ArrayField(models.CharField(max_length=30, choices=Scope.choices), default=list)
    is_active = models.BooleanField(
        default=True, help_text="A disabled system's tokens are refused until it is enabled."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scopes__contained_by=list(Scope.values)), name="api_client_known_scopes"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def has_scope(self, scope: Scope) -> bool:
        return scope in self.scopes

    @property
    def scope_labels(self) -> list[str]:
        return [Scope(scope).label for scope in Scope.values if scope in self.scopes]


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, at=None) -> ApiTokenQuerySet:
        """Tokens that open the API now: not revoked, and not past the end of a
        rotation's grace period."""
        at = at or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=at)
        )


class ApiToken(models.Model):
    """One token of a partner system. Only a SHA-256 hash is kept; the token is shown
    once, when issued. Rotating issues a new token and gives the old one an end
    (``expires_at``) the administrator chose; revoking ends it at once."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="tokens")
    prefix = models.CharField(max_length=12, unique=True, help_text="Shown to tell tokens apart.")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when issued from the command line.",
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"fd_{self.prefix}_…"

    def is_usable(self, at=None) -> bool:
        at = at or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > at)

    @property
    def state(self) -> str:
        """In words, for the page."""
        if self.revoked_at is not None:
            return "Revoked"
        if self.expires_at is not None:
            return "Ended" if self.expires_at <= timezone.now() else "Being replaced"
        return "In use"
