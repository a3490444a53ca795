"""Partner API v1 (mounted at /api/v1/)."""

from django.urls import path

from referrals import api

urlpatterns = [
    path("contacts/", api.ContactCreateApi.as_view(), name="api-contact-create"),
    # GET contacts/<reference>/ is outcomes.api.ContactWithOutcomeApi (frontdoor/urls.py):
    # the outcome comes from screening, above this app.
]
