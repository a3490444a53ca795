"""A referrer's unfinished referral form."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ReferralDraft(models.Model):
    """A referrer's unfinished form, saved on every step so nothing typed is lost,
    not even across a session timeout."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referral_drafts"
    )
    kind = models.CharField(max_length=30, default="referral")
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "kind"], name="one_draft_per_owner_and_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} draft of user {self.owner_id}"
