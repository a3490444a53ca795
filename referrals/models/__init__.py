"""Contacts, the people on them, and person records across contacts.

A contact is the unit of work: one concern, about one or more children, received
at a moment through a channel. What the referrer told us is kept on the contact as
given (``ContactSubject``); who those people really are is the ``Person`` record a
subject is linked to by matching, confirmed by a screener unless the NHS number
settles it. Restrictions close a contact or person record to everyone not named on
it; warnings on a person say what anyone dealing with them must know
first; relationships link person records to each other across contacts; merges join two
records of one person (and can be undone); documents are the files attached to a contact;
drafts keep a referrer's unfinished form; API clients are the partner systems;
withdrawals end a contact that should not be screened (and a referrer's ask for one);
police notifications hold what a force adds to a contact (the incident and its grade),
and police imports a force's file of them as the worker imports it.
"""

from referrals.models.api_clients import SCOPE_PERMISSIONS, ApiClient, ApiToken, Scope
from referrals.models.contacts import (
    FRONT_DOOR,
    OPEN_STATUSES,
    STATUS_MOVES,
    ConcernCategory,
    Contact,
    ContactSubject,
    MatchCandidate,
    Pathway,
    front_door,
    queue_priority,
)
from referrals.models.documents import Document
from referrals.models.drafts import ReferralDraft
from referrals.models.family_address import FamilyAddress
from referrals.models.merges import PersonMerge, PersonMergeMove
from referrals.models.out_of_hours import OutOfHoursHandover
from referrals.models.people import DoubleMetaphone, Person, PersonQuerySet, Sex
from referrals.models.police import (
    CHILD_INVOLVEMENTS,
    IncidentType,
    Involvement,
    PoliceInvolvement,
    PoliceNotification,
    RiskGrade,
)
from referrals.models.police_imports import PoliceImport, PoliceImportRow
from referrals.models.relationships import Relationship, RelationshipQuerySet
from referrals.models.restrictions import Restriction, RestrictionQuerySet
from referrals.models.warnings import (
    WARNING_EVIDENCE_MIN_LENGTH,
    WARNING_NOTE_MIN_LENGTH,
    PersonWarning,
    PersonWarningQuerySet,
    PersonWarningReview,
    WarningKind,
)
from referrals.models.withdrawals import (
    ContactWithdrawal,
    WithdrawalAskedBy,
    WithdrawalReason,
    WithdrawalRequest,
)

__all__ = [
    "CHILD_INVOLVEMENTS",
    "FRONT_DOOR",
    "OPEN_STATUSES",
    "SCOPE_PERMISSIONS",
    "STATUS_MOVES",
    "WARNING_EVIDENCE_MIN_LENGTH",
    "WARNING_NOTE_MIN_LENGTH",
    "ApiClient",
    "ApiToken",
    "ConcernCategory",
    "Contact",
    "ContactSubject",
    "ContactWithdrawal",
    "Document",
    "DoubleMetaphone",
    "FamilyAddress",
    "IncidentType",
    "Involvement",
    "MatchCandidate",
    "OutOfHoursHandover",
    "Pathway",
    "Person",
    "PersonMerge",
    "PersonMergeMove",
    "PersonQuerySet",
    "PersonWarning",
    "PersonWarningQuerySet",
    "PersonWarningReview",
    "PoliceImport",
    "PoliceImportRow",
    "PoliceInvolvement",
    "PoliceNotification",
    "ReferralDraft",
    "Relationship",
    "RelationshipQuerySet",
    "Restriction",
    "RestrictionQuerySet",
    "RiskGrade",
    "Scope",
    "Sex",
    "WarningKind",
    "WithdrawalAskedBy",
    "WithdrawalReason",
    "WithdrawalRequest",
    "front_door",
    "queue_priority",
]
