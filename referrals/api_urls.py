"""Partner API v1 (mounted at /api/v1/)."""

from django.urls import path

from referrals import api, api_documents

urlpatterns = [
    path("contacts/", api.ContactCreateApi.as_view(), name="api-contact-create"),
    path(
        "contacts/<str:reference>/documents/",
        api_documents.DocumentCreateApi.as_view(),
        name="api-contact-documents",
    ),
    # GET contacts/<reference>/ is outcomes.api.ContactWithOutcomeApi (frontdoor/urls.py):
    # the outcome comes from screening, above this app.
]
