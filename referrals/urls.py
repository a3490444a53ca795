"""URLs for contacts and people (mounted at /referrals/)."""

from django.urls import path

from referrals import (
    views,
    views_documents,
    views_draft,
    views_merges,
    views_people,
    views_police,
    views_restrictions,
    views_systems,
    views_warnings,
)

app_name = "referrals"
urlpatterns = [
    path("", views.contact_list, name="contact-list"),
    path("new/", views.contact_form, {"kind": "referral"}, name="referral-form"),
    path("new/check/", views.contact_check, {"kind": "referral"}, name="referral-check"),
    path("new/delete/", views_draft.contact_delete, {"kind": "referral"}, name="referral-delete"),
    path(
        "new/discard/", views_draft.contact_discard, {"kind": "referral"}, name="referral-discard"
    ),
    path("record/", views.contact_form, {"kind": "staff"}, name="staff-form"),
    path("record/check/", views.contact_check, {"kind": "staff"}, name="staff-check"),
    path("record/delete/", views_draft.contact_delete, {"kind": "staff"}, name="staff-delete"),
    path("record/discard/", views_draft.contact_discard, {"kind": "staff"}, name="staff-discard"),
    path("out-of-hours/", views.contact_form, {"kind": "edt"}, name="edt-form"),
    path("out-of-hours/check/", views.contact_check, {"kind": "edt"}, name="edt-check"),
    path("out-of-hours/delete/", views_draft.contact_delete, {"kind": "edt"}, name="edt-delete"),
    path("out-of-hours/discard/", views_draft.contact_discard, {"kind": "edt"}, name="edt-discard"),
    path("phone/", views.contact_form, {"kind": "phone"}, name="phone-form"),
    path("phone/check/", views.contact_check, {"kind": "phone"}, name="phone-check"),
    path("phone/delete/", views_draft.contact_delete, {"kind": "phone"}, name="phone-delete"),
    path("phone/discard/", views_draft.contact_discard, {"kind": "phone"}, name="phone-discard"),
    path("police/new/", views_police.police_notification_form, name="police-form"),
    path("police/import/", views_police.police_import, name="police-import"),
    path(
        "police/import/<int:import_id>/",
        views_police.police_import_job,
        name="police-import-job",
    ),
    path(
        "police/import/<int:import_id>/start/",
        views_police.police_import_check,
        name="police-import-check",
    ),
    path("sent/<str:reference>/", views.contact_sent, name="contact-sent"),
    path("contacts/<str:reference>/", views.contact_detail, name="contact-detail"),
    path(
        "contacts/<str:reference>/documents/",
        views_documents.document_add,
        name="document-add",
    ),
    path(
        "contacts/<str:reference>/documents/<int:document_id>/",
        views_documents.document_download,
        name="document-download",
    ),
    path(
        "contacts/<str:reference>/people/<int:subject_id>/match/",
        views.subject_match,
        name="subject-match",
    ),
    path("people/search/", views_people.people_search, name="people-search"),
    path(
        "people/search/compare/",
        views_people.people_search_compare,
        name="people-search-compare",
    ),
    path("people/<int:person_id>/", views_people.person_detail, name="person-detail"),
    path("people/<int:person_id>/upn/", views_people.person_upn, name="person-upn"),
    path("people/<int:person_id>/access/", views_people.person_access, name="person-access"),
    path(
        "people/<int:person_id>/restrict/",
        views_restrictions.person_restrict,
        name="person-restrict",
    ),
    path("people/<int:person_id>/merge/", views_merges.merge_choose, name="person-merge-choose"),
    path(
        "people/<int:person_id>/merge/<int:other_id>/",
        views_merges.merge_compare,
        name="person-merge-compare",
    ),
    path("people/merges/<int:merge_id>/", views_merges.merge_detail, name="person-merge"),
    path("people/merges/<int:merge_id>/undo/", views_merges.merge_undo, name="person-merge-undo"),
    path(
        "people/<int:person_id>/warnings/new/",
        views_warnings.warning_add,
        name="warning-add",
    ),
    path(
        "people/<int:person_id>/warnings/<int:warning_id>/review/",
        views_warnings.warning_review,
        name="warning-review",
    ),
    path(
        "people/<int:person_id>/warnings/<int:warning_id>/end/",
        views_warnings.warning_end,
        name="warning-end",
    ),
    path(
        "contacts/<str:reference>/restrict/",
        views_restrictions.contact_restrict,
        name="contact-restrict",
    ),
    path("restricted/", views_restrictions.restrictions, name="restrictions"),
    path("partner-systems/", views_systems.systems, name="systems"),
    path("partner-systems/add/", views_systems.system_add, name="system-add"),
    path("partner-systems/<int:client_id>/", views_systems.system, name="system"),
    path("partner-systems/<int:client_id>/token/", views_systems.system_token, name="system-token"),
    path(
        "partner-systems/<int:client_id>/change/",
        views_systems.system_change,
        name="system-change",
    ),
    path(
        "partner-systems/<int:client_id>/enable-or-disable/",
        views_systems.system_active,
        name="system-active",
    ),
    path(
        "partner-systems/<int:client_id>/rotate/",
        views_systems.system_rotate,
        name="system-rotate",
    ),
    path(
        "partner-systems/<int:client_id>/tokens/<int:token_id>/revoke/",
        views_systems.token_revoke,
        name="system-token-revoke",
    ),
    # Last: the URL walk (tests/test_every_url_by_role.py) deletes the system here.
    path(
        "partner-systems/<int:client_id>/delete/",
        views_systems.system_delete,
        name="system-delete",
    ),
]
