"""Partner API v1 (mounted at /api/v1/)."""

from django.urls import path

from referrals import api

urlpatterns = [
    path("contacts/", api.ContactCreateApi.as_view(), name="api-contact-create"),
    path("contacts/<str:reference>/", api.ContactDetailApi.as_view(), name="api-contact-detail"),
]
