"""Writes for contacts, subjects and person records, one module per seam.

Keyword-only, typed, one transaction each. ``inputs`` (what a channel hands intake, and
its refusals), ``intake`` (``contact_submit`` and matching its people), ``census``,
``documents``, ``drafts``, ``api_clients``, ``case_system``, ``status``,
``restrictions``, ``warnings``, ``relationships``, ``merges``, ``family_address``,
``withdrawals`` and ``police`` / ``police_import`` (police notifications).
Their public names are re-exported here, so callers write ``from referrals import
services`` and ``services.contact_submit`` whichever module holds it.
"""

from referrals.services.api_clients import (
    API_CLIENT_LAST_USED_TO,
    GRACE_PERIOD_LONGEST,
    ApiClientRefused,
    api_client_authenticate,
    api_client_change,
    api_client_create,
    api_client_delete,
    api_client_set_active,
    api_token_issue,
    api_token_revoke,
    scopes_allowed,
)
from referrals.services.case_system import (
    CASE_SYSTEM_ID_LONGEST,
    CaseSystemIdRefused,
    case_system_id_clean,
    contact_case_system_id_set,
)
from referrals.services.census import (
    DISABILITY_NONE,
    CensusDetailsInvalid,
    census_details_clean,
    census_return_year,
    person_upn_set,
    subject_census_set,
)
from referrals.services.documents import (
    DocumentRefused,
    DocumentUpload,
    document_attach,
    document_check_before_sending,
    document_read,
    document_scan_held,
    documents_erase,
    documents_scan_quarantined,
)
from referrals.services.drafts import draft_discard, draft_save
from referrals.services.family_address import (
    FamilyAddressRefused,
    family_address_clean,
    family_address_set,
)
from referrals.services.inputs import (
    ContactInput,
    ContactRejected,
    IdempotencyKeyReused,
    ReferrerInput,
    SubjectInput,
)
from referrals.services.intake import (
    ANONYMOUS_SOURCE_CODE,
    UNKNOWN_SOURCE_CODE,
    contact_submit,
    match_confirm,
    match_reject_all,
    reference_numbers,
)
from referrals.services.intake_people import MatchPlan
from referrals.services.merges import (
    MERGE_REASON_MIN_LENGTH,
    MergeRefused,
    person_merge,
    person_unmerge,
)
from referrals.services.police import (
    PoliceDetails,
    PoliceNotificationInput,
    PoliceNotificationRefused,
    PoliceReceipt,
    police_decision_due,
    police_notification_receive,
    police_notification_record,
)
from referrals.services.police_import import (
    ImportFileRefused,
    PoliceImportReport,
    police_notifications_import,
)
from referrals.services.police_import_jobs import (
    police_import_keep,
    police_import_queue,
    police_import_run,
    police_import_start,
)
from referrals.services.relationships import (
    RelationshipRefused,
    kind_guess,
    relationship_add,
    relationship_change_kind,
    relationship_confirm,
    relationship_end,
    relationships_suggest,
)
from referrals.services.restrictions import (
    RESTRICTION_REVIEW_EVERY,
    RestrictionNotNamed,
    RestrictionRefused,
    restriction_add,
    restriction_add_on_receipt,
    restriction_lift,
    restriction_review,
    restrictions_due_count,
)
from referrals.services.status import (
    ContactStatusRefused,
    contact_status_move,
    contacts_status_move,
)
from referrals.services.warnings import (
    WARNING_REVIEW_AT_MOST,
    WARNING_REVIEW_NOTICE,
    WarningRefused,
    may_set_warnings,
    warning_end,
    warning_review,
    warning_set,
)
from referrals.services.withdrawals import (
    WithdrawalRefused,
    withdrawal_problems,
    withdrawal_request_record,
)

__all__ = [
    "ANONYMOUS_SOURCE_CODE",
    "API_CLIENT_LAST_USED_TO",
    "CASE_SYSTEM_ID_LONGEST",
    "DISABILITY_NONE",
    "GRACE_PERIOD_LONGEST",
    "MERGE_REASON_MIN_LENGTH",
    "RESTRICTION_REVIEW_EVERY",
    "UNKNOWN_SOURCE_CODE",
    "WARNING_REVIEW_AT_MOST",
    "WARNING_REVIEW_NOTICE",
    "ApiClientRefused",
    "CaseSystemIdRefused",
    "CensusDetailsInvalid",
    "ContactInput",
    "ContactRejected",
    "ContactStatusRefused",
    "DocumentRefused",
    "DocumentUpload",
    "FamilyAddressRefused",
    "IdempotencyKeyReused",
    "ImportFileRefused",
    "MatchPlan",
    "MergeRefused",
    "PoliceDetails",
    "PoliceImportReport",
    "PoliceNotificationInput",
    "PoliceNotificationRefused",
    "PoliceReceipt",
    "ReferrerInput",
    "RelationshipRefused",
    "RestrictionNotNamed",
    "RestrictionRefused",
    "SubjectInput",
    "WarningRefused",
    "WithdrawalRefused",
    "api_client_authenticate",
    "api_client_change",
    "api_client_create",
    "api_client_delete",
    "api_client_set_active",
    "api_token_issue",
    "api_token_revoke",
    "case_system_id_clean",
    "census_details_clean",
    "census_return_year",
    "contact_case_system_id_set",
    "contact_status_move",
    "contact_submit",
    "contacts_status_move",
    "document_attach",
    "document_check_before_sending",
    "document_read",
    "document_scan_held",
    "documents_erase",
    "documents_scan_quarantined",
    "draft_discard",
    "draft_save",
    "family_address_clean",
    "family_address_set",
    "kind_guess",
    "match_confirm",
    "match_reject_all",
    "may_set_warnings",
    "person_merge",
    "person_unmerge",
    "person_upn_set",
    "police_decision_due",
    "police_import_keep",
    "police_import_queue",
    "police_import_run",
    "police_import_start",
    "police_notification_receive",
    "police_notification_record",
    "police_notifications_import",
    "reference_numbers",
    "relationship_add",
    "relationship_change_kind",
    "relationship_confirm",
    "relationship_end",
    "relationships_suggest",
    "restriction_add",
    "restriction_add_on_receipt",
    "restriction_lift",
    "restriction_review",
    "restrictions_due_count",
    "scopes_allowed",
    "subject_census_set",
    "warning_end",
    "warning_review",
    "warning_set",
    "withdrawal_problems",
    "withdrawal_request_record",
]
