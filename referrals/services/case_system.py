"""The council's case-management system's own id for a contact, which it sends back
once it has opened its record, so staff can go from one system to the other."""

from __future__ import annotations

import re

from django.db import transaction

from frontdoor.audit import audit_record
from frontdoor.models import AuditEvent, User
from referrals.models import Contact

CASE_SYSTEM_ID_LONGEST = 100
# Letters, digits and the separators case systems use in their ids (LCS "1234567",
# Mosaic "P-123/45", Eclipse "CASE.2026_001"); nothing that could be markup or a formula.
_CASE_SYSTEM_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ./_:#-]*")


class CaseSystemIdRefused(Exception):
    """The id cannot be kept as sent; the message says why."""


def case_system_id_clean(value: str) -> str:
    value = value.strip()
    if not value:
        raise CaseSystemIdRefused("Send the case system's id for this contact.")
    if len(value) > CASE_SYSTEM_ID_LONGEST:
        raise CaseSystemIdRefused(f"The id must be {CASE_SYSTEM_ID_LONGEST} characters or fewer.")
    if not _CASE_SYSTEM_ID.fullmatch(value):
        raise CaseSystemIdRefused(
            "The id may hold letters, digits, spaces and . / _ : # - only, and must "
            "start with a letter or digit."
        )
    return value


@transaction.atomic
def contact_case_system_id_set(
    *, actor: User, contact: Contact, case_system_id: str
) -> tuple[Contact, bool]:
    """Keep the case system's id on ``contact``. Sending the same id again changes
    nothing (and is not audited again); a different id replaces it, audited with the
    one it replaced. Returns the contact and whether it changed."""
    value = case_system_id_clean(case_system_id)
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.case_system_id == value:
        return contact, False
    before = contact.case_system_id
    contact.case_system_id = value
    contact.save(update_fields=["case_system_id", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        record_type="contact",
        record_id=contact.reference,
        via="api-contact-case-system-id",
        detail={"what": "case system id", "before": before, "after": value},
    )
    return contact, True
