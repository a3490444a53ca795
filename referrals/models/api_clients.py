"""Partner systems allowed to push contacts through the API."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiClient(models.Model):
    """A partner system allowed to push contacts, acting as a named service account.

    Only a hash of its token is stored; the token is shown once when created.
    """

    name = models.CharField(max_length=200)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_clients"
    )
    token_prefix = models.CharField(max_length=12, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
