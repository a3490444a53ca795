"""Partner API v1 (mounted at /api/v1/)."""

from django.urls import path

from referrals import api, api_case_system, api_documents, api_police

urlpatterns = [
    path("contacts/", api.ContactCreateApi.as_view(), name="api-contact-create"),
    path(
        "police-notifications/",
        api_police.PoliceNotificationCreateApi.as_view(),
        name="api-police-notification-create",
    ),
    path(
        "contacts/<str:reference>/documents/",
        api_documents.DocumentCreateApi.as_view(),
        name="api-contact-documents",
    ),
    path(
        "contacts/<str:reference>/case-system-id/",
        api_case_system.ContactCaseSystemIdApi.as_view(),
        name="api-contact-case-system-id",
    ),
    # GET contacts/<reference>/ is outcomes.api.ContactWithOutcomeApi (frontdoor/urls.py):
    # the outcome comes from screening, above this app.
]
