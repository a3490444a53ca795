"""Restricted records: a contact or person record only named people may open."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q

from frontdoor.roles import Permission
from referrals.models.contacts import Contact, Pathway
from referrals.models.people import Person

# A LADO allegation's restriction (docs/adr/0046): it opens by role, not by name.
LADO_RESTRICTED = Q(contact__pathway=Pathway.LADO)


class RestrictionQuerySet(models.QuerySet):
    """The restriction rule, in one place: an active restriction closes its record to
    everyone not named on it (named: on ``allowed``, the person to ask, or whoever made
    it). One on a LADO allegation opens to whoever holds ``handle_lado`` now, and to
    nobody else, named or not (docs/adr/0046): a LADO who joins later may open it, a
    manager who becomes a screener may not; its names stay for the audit trail.
    ``opens_for`` and every list and page that hides restricted records use it."""

    def active(self) -> RestrictionQuerySet:
        return self.filter(lifted_at__isnull=True)

    def closed_to(self, user) -> RestrictionQuerySet:
        active = self.active()
        if user.has_perm(Permission.HANDLE_LADO.perm):
            return active.exclude(Q(ask=user) | Q(created_by=user) | Q(allowed=user)).exclude(
                LADO_RESTRICTED
            )
        not_naming = active.exclude(Q(ask=user) | Q(created_by=user) | Q(allowed=user))
        return active.filter(Q(pk__in=not_naming.values("pk")) | LADO_RESTRICTED)

    def on_contact(self, contact_id) -> RestrictionQuerySet:
        """On the contact itself or on a person it is about; ``contact_id`` may be an
        ``OuterRef`` for a subquery."""
        return self.filter(Q(contact=contact_id) | Q(person__appearances__contact=contact_id))


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), append_only=True
)
class Restriction(models.Model):
    """A contact or person record only named people may open (a staff member's family,
    a high-profile case). Everyone else learns that it exists and whom to ask."""

    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="restrictions"
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="restrictions"
    )
    reason = models.TextField()
    ask = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Whom others should ask for access.",
    )
    allowed = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="restricted_records_open_to", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    review_due = models.DateField()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Required of a head of service lifting a restriction that does not name them.
    lift_reason = models.TextField(blank=True)

    objects = RestrictionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(contact__isnull=False, person__isnull=True)
                | models.Q(contact__isnull=True, person__isnull=False),
                name="restriction_is_of_one_record",
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="restriction_has_a_reason"),
        ]
        indexes = [models.Index(fields=["lifted_at", "review_due"], name="restriction_review_idx")]

    def __str__(self) -> str:
        return f"Restriction {self.pk}"

    def opens_for(self, user) -> bool:
        """Whether ``user`` is named on it, by the rule above (a lifted restriction opens
        for everyone)."""
        if self.lifted_at is not None:
            return True
        return not Restriction.objects.filter(pk=self.pk).closed_to(user).exists()
