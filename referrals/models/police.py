"""Police notifications: a contact that came from a force's report of an incident
(a domestic abuse call-out, a missing episode, a child arrested), with the incident's
details and the officer's risk grade (standard / medium / high, as in DASH), and, for
each person on it, how they were involved. The contact holds what every contact
holds (the people, the concern, the referrer); this holds what only police send."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models.functions import Upper

from frontdoor.models import Agency
from referrals.models.contacts import Contact, ContactSubject


class IncidentType(models.TextChoices):
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    MISSING_EPISODE = "missing_episode", "Missing episode"
    EXPLOITATION_CONCERN = "exploitation_concern", "Exploitation concern"
    CHILD_ARRESTED = "child_arrested", "Child arrested"
    OTHER = "other", "Other"


class RiskGrade(models.TextChoices):
    """The attending officer's grade (DASH): ordered lowest first."""

    STANDARD = "standard", "Standard"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class Involvement(models.TextChoices):
    # Children: Operation Encompass tells the school of a child who lives there
    # whether or not they were in the house at the time.
    CHILD_PRESENT = "child_present", "Child present at the incident"
    CHILD_RESIDENT = "child_resident", "Child normally resident, not present"
    # Adults.
    VICTIM = "victim", "Victim"
    ALLEGED_PERPETRATOR = "alleged_perpetrator", "Alleged perpetrator"
    WITNESS = "witness", "Witness"
    OTHER_ADULT = "other_adult", "Other adult involved"


CHILD_INVOLVEMENTS = (Involvement.CHILD_PRESENT, Involvement.CHILD_RESIDENT)


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), append_only=True
)
class PoliceNotification(models.Model):
    """The police details of one contact (``Contact.channel`` is police_notification).

    A force re-sending a notification it already sent is recognised by its reference
    (case and spaces aside) and is not a new contact."""

    contact = models.OneToOneField(
        Contact, on_delete=models.PROTECT, related_name="police_notification"
    )
    force = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="police_notifications",
        help_text="The police force that sent it.",
    )
    police_reference = models.CharField(
        max_length=50, help_text="The force's own reference for the notification."
    )
    incident_number = models.CharField(max_length=50, blank=True)
    incident_at = models.DateTimeField(help_text="When the incident happened.")
    incident_type = models.CharField(max_length=30, choices=IncidentType.choices)
    risk_grade = models.CharField(max_length=10, choices=RiskGrade.choices)
    officer_account = models.TextField(help_text="What the attending officer found and did.")
    officer_name = models.CharField(max_length=200, blank=True)
    # None: the officer did not say.
    family_told = models.BooleanField(
        null=True, blank=True, help_text="Whether the family was told police would share this."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resent_with_changes_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the force last re-sent it saying something different (the "
        "differences are on the contact log); such a one is screened on its own.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "force",
                Upper("police_reference"),
                name="police_notification_reference_unique_per_force",
            ),
            models.CheckConstraint(
                condition=~models.Q(police_reference=""), name="police_notification_has_reference"
            ),
        ]
        indexes = [
            models.Index(fields=["incident_type", "incident_at"], name="police_type_incident_idx"),
            models.Index(fields=["risk_grade"], name="police_grade_idx"),
        ]

    def __str__(self) -> str:
        return self.police_reference


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), append_only=True
)
class PoliceInvolvement(models.Model):
    """How one person on a police notification was involved in the incident."""

    notification = models.ForeignKey(
        PoliceNotification, on_delete=models.PROTECT, related_name="involvements"
    )
    subject = models.OneToOneField(
        ContactSubject, on_delete=models.PROTECT, related_name="police_involvement"
    )
    involvement = models.CharField(max_length=30, choices=Involvement.choices)

    def __str__(self) -> str:
        return self.get_involvement_display()
