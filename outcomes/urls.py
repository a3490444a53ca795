"""URLs for notices and outcomes (mounted at /outcomes/)."""

from django.urls import path

from outcomes import views, views_letters
from outcomes.chronology import views as chronology
from outcomes.returns import views as returns
from outcomes.returns import views_annex_a
from outcomes.scorecard import views as scorecard

app_name = "outcomes"
urlpatterns = [
    path("your-referrals/", views.my_referrals, name="my-referrals"),
    path("your-referrals/<str:reference>/", views.my_referral, name="my-referral"),
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
    path(
        "contacts/<str:reference>/notices/<int:notice_id>/resend/",
        views.notice_resend,
        name="notice-resend",
    ),
]
