"""The council's own onward services under each route (docs/adr/0045): Early Help
to a named family hub, Information and Advice to a named service to signpost to.
Data, not code: administrators add, change and retire them in the admin. A decision
names the service it sends the contact to; a retired service stays on the decisions
that named it (never deleted: decisions refer to it for ever)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

# Defined before screening.models imports this module at its end.
from screening.models import Route

ROUTE_FIXED = (
    "Decisions name this service under its route, so the route cannot change: "
    "retire this service and add one under the other route."
)


class OnwardServiceQuerySet(models.QuerySet):
    def active(self) -> OnwardServiceQuerySet:
        return self.filter(is_active=True)

    def under(self, route: str) -> OnwardServiceQuerySet:
        return self.filter(route=route)


class OnwardService(models.Model):
    """A service the front door sends contacts to, under one route."""

    route = models.CharField(max_length=40, choices=Route.choices)
    name = models.CharField(max_length=200)
    contact_details = models.TextField(
        blank=True, help_text="Phone, email and address, as the referrer and family may use them."
    )
    needs_consent = models.BooleanField(
        default=False,
        help_text="A referral to this service needs the family's consent: a decision naming "
        "it is refused unless the referrer recorded that the family agreed.",
    )
    referrer_wording = models.TextField(
        blank=True,
        help_text="What the referrer's notice says will happen next, in place of the "
        "route's standard words (leave empty for those).",
    )
    family_wording = models.TextField(
        blank=True,
        help_text="What the family's notice says will happen next, in place of the "
        "route's standard words (leave empty for those).",
    )
    is_active = models.BooleanField(
        default=True,
        help_text="Untick to retire the service: it stays on past decisions, and new "
        "decisions cannot name it.",
    )

    objects = OnwardServiceQuerySet.as_manager()

    class Meta:
        ordering = ["route", "name"]
        constraints = [
            models.UniqueConstraint(fields=["route", "name"], name="onward_service_unique_name"),
            models.CheckConstraint(condition=~models.Q(name=""), name="onward_service_has_a_name"),
        ]

    def __str__(self) -> str:
        return self.name if self.is_active else f"{self.name} (retired)"

    def save(self, *args, **kwargs) -> None:
        """Refused (``ValidationError``) when it would move a service decisions name to
        another route, whoever saves it."""
        if self.pk is not None and self._route_changed() and self.route_is_fixed():
            raise ValidationError({"route": ROUTE_FIXED})
        super().save(*args, **kwargs)

    def route_is_fixed(self) -> bool:
        """Whether a decision names the service: its route is then fixed for ever (the
        decisions, their notices and the scorecard's split read it)."""
        return self.pk is not None and self.decisions.exists()

    def _route_changed(self) -> bool:
        stored = OnwardService.objects.filter(pk=self.pk).values_list("route", flat=True).first()
        return stored is not None and stored != self.route

    def clean(self) -> None:
        super().clean()
        if self.pk is not None and self._route_changed() and self.route_is_fixed():
            raise ValidationError({"route": ROUTE_FIXED})
