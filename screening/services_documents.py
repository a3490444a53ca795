"""Sharing a contact's files with a partner agency through a check (docs/adr/0030): the
screener chooses which, when asking; the member sees those and no others."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from frontdoor.audit import audit_record
from frontdoor.models import Agency, AuditEvent, User
from referrals.models import Contact, Document
from screening.models import AgencyCheck
from screening.services import ScreeningRefused, check_request


@transaction.atomic
def check_request_sharing(
    *,
    actor: User,
    contact: Contact,
    agency: Agency,
    question: str,
    documents: Sequence[Document] = (),
) -> AgencyCheck:
    """``check_request``, showing the agency ``documents``: files on this contact that
    were scanned clean, which the member may then download from the check."""
    if any(d.contact_id != contact.pk or not d.readable for d in documents):
        raise ScreeningRefused("Only files on this contact that were scanned clean can be shared.")
    check = check_request(actor=actor, contact=contact, agency=agency, question=question)
    if documents:
        check.shared_documents.set(documents)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            record_type="contact",
            record_id=contact.reference,
            via="screening.check_request_sharing",
            detail={"check": check.pk, "documents_shared": [d.pk for d in documents]},
        )
    return check
