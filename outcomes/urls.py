"""URLs for notices and outcomes (mounted at /outcomes/)."""

from django.urls import path

from outcomes import views, views_handoff, views_letters, views_withdrawals
from outcomes.chronology import views as chronology
from outcomes.encompass import views as encompass
from outcomes.returns import views as returns
from outcomes.returns import views_annex_a
from outcomes.scorecard import views as scorecard
from outcomes.today import views as today

app_name = "outcomes"
urlpatterns = [
    path("today/", today.today, name="today"),
    path("today/figures/", today.today_figures, name="today-figures"),
    path("your-referrals/", views.my_referrals, name="my-referrals"),
    path("your-referrals/<str:reference>/", views.my_referral, name="my-referral"),
    path(
        "your-referrals/<str:reference>/withdraw/",
        views_withdrawals.my_referral_withdraw,
        name="my-referral-withdraw",
    ),
    path("contacts/<str:reference>/notices/", views.contact_notices, name="contact-notices"),
    path("contacts/<str:reference>/outcomes/", views.contact_outcomes, name="contact-outcomes"),
    path(
        "people/<int:person_id>/chronology/", chronology.person_chronology, name="person-chronology"
    ),
    path(
        "people/<int:person_id>/chronology.pdf",
        chronology.person_chronology_pdf,
        name="person-chronology-pdf",
    ),
    path("import/", views.outcomes_import, name="import"),
    path("import/<int:import_id>/", views.outcome_import, name="import-job"),
    path("import/<int:import_id>/check/", views.outcome_import_check, name="import-check"),
    path("notify/delivery-receipts/", views.notify_delivery_receipt, name="notify-receipts"),
    path("retention/", views.retention, name="retention"),
    path("letters/", views_letters.print_batches, name="print-batches"),
    path(
        "letters/<int:batch_id>/letters.pdf", views_letters.print_batch_pdf, name="print-batch-pdf"
    ),
    path(
        "letters/<int:batch_id>/printed/",
        views_letters.print_batch_printed,
        name="print-batch-printed",
    ),
    path(
        "letters/<int:batch_id>/posted/",
        views_letters.print_batch_posted,
        name="print-batch-posted",
    ),
    path("scorecard/", scorecard.scorecard, name="scorecard"),
    path("scorecard/figure/", scorecard.scorecard_figure, name="scorecard-figure"),
    path("scorecard/scorecard.csv", scorecard.scorecard_csv, name="scorecard-csv"),
    path("scorecard/scorecard.xlsx", scorecard.scorecard_xlsx, name="scorecard-xlsx"),
    path("scorecard/pack.pdf", scorecard.scorecard_pdf, name="scorecard-pdf"),
    path("scorecard/inspection/", views_annex_a.inspection_contacts, name="scorecard-inspection"),
    path("returns/census/", returns.census, name="census"),
    path("returns/census/<int:pk>/", returns.census_export, name="census-export"),
    path("returns/census/<int:pk>/check/", returns.census_export_check, name="census-check"),
    path("returns/census/<int:pk>/census.xml", returns.census_export_xml, name="census-xml"),
    path("returns/census/<int:pk>/report.csv", returns.census_export_report, name="census-report"),
    # Webhook endpoints of partner systems (administrators).
    path(
        "partner-systems/<int:client_id>/webhooks/",
        views_handoff.webhook_endpoints,
        name="webhook-endpoints",
    ),
    path(
        "partner-systems/<int:client_id>/webhooks/add/",
        views_handoff.webhook_endpoint_add,
        name="webhook-endpoint-add",
    ),
    path("webhooks/<int:endpoint_id>/", views_handoff.webhook_endpoint, name="webhook-endpoint"),
    path("webhooks/<int:endpoint_id>/secret/", views_handoff.webhook_secret, name="webhook-secret"),
    path(
        "webhooks/<int:endpoint_id>/change/",
        views_handoff.webhook_endpoint_change,
        name="webhook-endpoint-change",
    ),
    path(
        "webhooks/<int:endpoint_id>/pause-or-resume/",
        views_handoff.webhook_endpoint_active,
        name="webhook-endpoint-active",
    ),
    path(
        "webhooks/<int:endpoint_id>/deliveries/<int:delivery_id>/",
        views_handoff.webhook_delivery,
        name="webhook-delivery",
    ),
    path(
        "webhooks/<int:endpoint_id>/deliveries/<int:delivery_id>/replay/",
        views_handoff.webhook_delivery_replay,
        name="webhook-delivery-replay",
    ),
    # Rotate before revoke, and delete last: the URL walk (tests/test_every_url_by_role.py)
    # posts to them in this order.
    path(
        "webhooks/<int:endpoint_id>/rotate/",
        views_handoff.webhook_secret_rotate,
        name="webhook-secret-rotate",
    ),
    path(
        "webhooks/<int:endpoint_id>/secrets/<int:secret_id>/revoke/",
        views_handoff.webhook_secret_revoke,
        name="webhook-secret-revoke",
    ),
    path(
        "webhooks/<int:endpoint_id>/delete/",
        views_handoff.webhook_endpoint_delete,
        name="webhook-endpoint-delete",
    ),
    # Operation Encompass: schools told after a domestic abuse incident.
    path("encompass/", encompass.encompass_notices, name="encompass"),
    path("encompass/<int:notice_id>/school/", encompass.encompass_school, name="encompass-school"),
    # The link in a school's notice: a signed token, no sign-in, nothing personal in it.
    path(
        "encompass/read/<str:token>/",
        encompass.encompass_acknowledge,
        name="encompass-acknowledge",
    ),
    path("schools/", encompass.schools, name="schools"),
    path("schools/upload/", encompass.schools_upload, name="schools-upload"),
    path("schools/<int:school_id>/", encompass.school, name="school"),
    path("schools/term-dates/", encompass.term_calendars, name="term-calendars"),
    path("schools/term-dates/<int:calendar_id>/", encompass.term_calendar, name="term-calendar"),
    path(
        "contacts/<str:reference>/notices/<int:notice_id>/resend/",
        views.notice_resend,
        name="notice-resend",
    ),
]
