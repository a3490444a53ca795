"""Files attached to the contacts a person is on, as chronology entries: what the file
is, who attached it and when, and where its virus scan stands. The download link is
there only for a viewer the download itself would serve (``document_downloadable``,
the rule of ``document_get``); a file held for scanning or refused is named, never
offered. The contact's restriction is applied to the entry by the selector."""

from __future__ import annotations

from collections.abc import Sequence

from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone

from frontdoor.models import User
from outcomes.chronology.entries import Entry, EntryKey, Stream, source
from outcomes.chronology.sources import ids_of, name_of, on_contacts_of, rows_at
from referrals.models import Document
from referrals.selectors import can_screen
from referrals.selectors_documents import document_downloadable

ATTACHED = "document"


@source(kind="documents", label="Files attached")
def documents(person) -> list[Stream]:
    on_their_contacts = Document.objects.filter(on_contacts_of(person))
    return [Stream(ATTACHED, rows_at(on_their_contacts, "uploaded_at"), _load_documents)]


def _when(moment) -> str:
    at = timezone.localtime(moment)
    return f"{at.day} {at:%B %Y, %H:%M}"


def _title(document: Document, described: str) -> str:
    if document.scan_state == Document.ScanState.REFUSED:
        return f"File refused: {document.filename} ({described})"
    return f"File attached: {document.filename} ({described})"


def _scan_words(document: Document) -> str:
    if document.scan_state == Document.ScanState.CLEAN:
        return f"No malware found ({_when(document.scanned_at)})"
    if document.scan_state == Document.ScanState.QUARANTINED:
        return "Held, unopened, until the virus scanner can be reached"
    found = f": {document.signature}" if document.signature else ""
    return f"Malware found{found} ({_when(document.scanned_at)}); the file was deleted"


def _load_documents(keys: Sequence[EntryKey], user: User) -> dict[EntryKey, Entry]:
    rows = Document.objects.filter(pk__in=ids_of(keys, ATTACHED)).select_related(
        "contact", "uploaded_by"
    )
    found = {}
    for document in rows:
        contact = document.contact
        described = f"{document.kind_words}, {filesizeformat(document.size)}"
        details = [
            ("Type", document.kind_words),
            ("Size", filesizeformat(document.size)),
            ("Came in through", document.get_via_display()),
            ("Virus scan", _scan_words(document)),
        ]
        if document.description:
            details.insert(0, ("Description", document.description))
        links = []
        if document_downloadable(user=user, document=document):
            url = reverse("referrals:document-download", args=[contact.reference, document.pk])
            links.append((f"Download {document.filename}", url))
        if can_screen(user):
            page = reverse("screening:contact", args=[contact.reference])
            links.append((f"Files on contact {contact.reference}", f"{page}#documents"))
        found[(ATTACHED, document.pk)] = Entry(
            event=ATTACHED,
            row_id=document.pk,
            at=document.uploaded_at,
            title=_title(document, described),
            by=name_of(document.uploaded_by),
            details=details,
            contact_id=contact.pk,
            reference=contact.reference,
            links=links,
        )
    return found
