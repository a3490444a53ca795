"""URLs for screening (mounted at /screening/)."""

from django.urls import path

from screening import (
    views,
    views_address,
    views_approvals,
    views_checks,
    views_documents,
    views_edt,
    views_family,
    views_log,
    views_pathways,
    views_police,
    views_queue,
    views_withdraw,
)
from screening.audits import views as audits
from screening.audits import views_review as joint_review
from screening.meetings import views as meetings

app_name = "screening"
urlpatterns = [
    path("", views_queue.queue, name="queue"),
    path("queue-updates/", views_queue.queue_updates, name="queue-updates"),
    path("pathways/", views_pathways.pathway_index, name="pathway-index"),
    path("pathways/<str:pathway>/", views_pathways.pathways, name="pathways"),
    path("pathways/<str:pathway>/new/", views_pathways.pathway_new, name="pathway-new"),
    path("pathway/<str:reference>/", views_pathways.pathway, name="pathway"),
    path(
        "pathway/<str:reference>/outcome/",
        views_pathways.pathway_outcome,
        name="pathway-outcome",
    ),
    path("take-next/", views.claim_next, name="claim-next"),
    path("out-of-hours/", views_edt.edt_work, name="edt-work"),
    path("out-of-hours/<str:reference>/handover/", views_edt.edt_handover, name="edt-handover"),
    path("police-triage/", views_police.police_triage, name="police-triage"),
    path("approvals/", views_approvals.approvals, name="approvals"),
    path("approvals/<int:decision_id>/", views_approvals.approval, name="approval"),
    path("approvals/checks/<int:check_id>/", views_checks.check_approval, name="check-approval"),
    path("checks/", views_checks.member_checks, name="member-checks"),
    path("checks/<int:check_id>/", views_checks.member_check_answer, name="member-check"),
    path(
        "checks/<int:check_id>/files/<int:document_id>/",
        views_documents.check_document,
        name="member-check-document",
    ),
    path("meetings/", meetings.meeting_list, name="meetings"),
    path("meetings/<int:run_id>/", meetings.meeting_detail, name="meeting"),
    path("meetings/<int:run_id>/print/", meetings.meeting_print, name="meeting-print"),
    path(
        "meetings/<int:run_id>/attendance/", meetings.meeting_attendance, name="meeting-attendance"
    ),
    path(
        "meetings/cases/<int:entry_id>/outcome/", meetings.meeting_outcome, name="meeting-outcome"
    ),
    path(
        "meetings/cases/<int:entry_id>/actions/new/",
        meetings.meeting_action_add,
        name="meeting-action-add",
    ),
    path(
        "meetings/actions/<int:action_id>/done/",
        meetings.meeting_action_done,
        name="meeting-action-done",
    ),
    path("meetings/<int:run_id>/guests/new/", meetings.meeting_guest_add, name="meeting-guest-add"),
    path(
        "meetings/cases/<int:entry_id>/contribution/",
        meetings.meeting_contribution,
        name="meeting-contribution",
    ),
    # Decision quality audits and the weekly joint review (docs/adr/0043).
    path("audits/", audits.audits, name="audits"),
    path("audits/draw/", audits.audits_draw, name="audits-draw"),
    path("audits/<int:audit_id>/", audits.audit, name="audit"),
    path("audits/<int:audit_id>/move/", audits.audit_move, name="audit-move"),
    path("audits/<int:audit_id>/feedback/", audits.feedback, name="audit-feedback"),
    path("audits/rubric/", audits.rubric, name="audit-rubric"),
    path("audits/rubric/<int:criterion_id>/", audits.criterion, name="audit-criterion"),
    path("joint-review/", joint_review.joint_review, name="joint-review"),
    path("joint-review/decisions.csv", joint_review.joint_review_csv, name="joint-review-csv"),
    path("<str:reference>/", views.contact_page, name="contact"),
    path("<str:reference>/take/", views.claim, name="claim"),
    path("<str:reference>/release/", views.release, name="release"),
    path("<str:reference>/reassign/", views.reassign, name="reassign"),
    path("<str:reference>/signs-of-safety/", views.signs_of_safety, name="signs-of-safety"),
    path("<str:reference>/checks/", views_checks.request_check, name="request-check"),
    path("<str:reference>/proceed/", views.proceed_without_checks, name="proceed"),
    path("<str:reference>/decision/", views.decide, name="decide"),
    path("<str:reference>/withdraw/", views_withdraw.withdraw, name="withdraw"),
    path("<str:reference>/log/", views_log.log_add, name="log-add"),
    path("<str:reference>/family-address/", views_address.family_address, name="family-address"),
    path("<str:reference>/documents/", views_documents.document_add, name="document-add"),
    path("<str:reference>/log/<int:entry_id>/correct/", views_log.log_correct, name="log-correct"),
    path(
        "<str:reference>/children/<int:subject_id>/census/",
        views.child_census,
        name="child-census",
    ),
    path("<str:reference>/relationships/", views_family.relationship_add, name="relationship-add"),
    path(
        "<str:reference>/relationships/<int:relationship_id>/",
        views_family.relationship,
        name="relationship",
    ),
    path(
        "<str:reference>/family/<int:person_id>/",
        views_family.member_history,
        name="family-member-history",
    ),
]
