"""Reads of a contact's documents: the list a page shows, and one document through the
contact's access function (docs/adr/0019, 0030).

Screening staff see every document on a contact they may open. A referrer (or a
partner system) sees only the files they attached to a contact they sent: what the
front door added (a police report, a body map) is not theirs to read.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from frontdoor.models import User
from referrals.models import Contact, Document
from referrals.selectors import can_screen, contact_get


def _scoped(*, user: User, contact: Contact) -> QuerySet[Document]:
    documents = Document.objects.filter(contact=contact).select_related("uploaded_by")
    if can_screen(user):
        return documents
    return documents.filter(uploaded_by=user)


def documents_for(*, user: User, contact: Contact) -> list[Document]:
    """The contact's documents this user may see, oldest first. ``contact`` comes from
    the contact's access function; one query."""
    return list(_scoped(user=user, contact=contact).order_by("uploaded_at", "pk"))


def document_downloadable(*, user: User, document: Document) -> bool:
    """Whether the download (``document_get``, then readable) lets ``user`` have this
    file, for a list that has already applied the contact's restriction to the user (the
    chronology does): what ``_scoped`` and ``contacts_visible_to`` allow, asked of the
    row in hand rather than by a query per file. ``document.contact`` must be loaded."""
    if not document.readable:
        return False
    if can_screen(user):
        return True
    return document.contact.referrer_id == user.pk and document.uploaded_by_id == user.pk


def document_get(*, user: User, reference: str, document_id: int) -> Document:
    """The access function for a document: ``contact_get`` (404 for a contact that is not
    theirs, ``RecordRestricted`` for a restricted one they are not named on), then a
    document of that contact they may see; 404 alike for missing and not theirs."""
    contact = contact_get(user=user, reference=reference)
    document = _scoped(user=user, contact=contact).filter(pk=document_id).first()
    if document is None:
        raise Http404("No document found")
    document.contact = contact
    return document
