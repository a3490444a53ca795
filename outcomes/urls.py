"""URLs for notices and outcomes (mounted at /outcomes/)."""

from django.urls import path

from outcomes import views

app_name = "outcomes"
urlpatterns = [
    path("your-referrals/", views.my_referrals, name="my-referrals"),
    path("your-referrals/<str:reference>/", views.my_referral, name="my-referral"),
    path("contacts/<str:reference>/notices/", views.contact_notices, name="contact-notices"),
    path("contacts/<str:reference>/outcomes/", views.contact_outcomes, name="contact-outcomes"),
    path("import/", views.outcomes_import, name="import"),
    path("notify/delivery-receipts/", views.notify_delivery_receipt, name="notify-receipts"),
    path(
        "contacts/<str:reference>/notices/<int:notice_id>/resend/",
        views.notice_resend,
        name="notice-resend",
    ),
]
