"""Attaching files to a contact, scanning the ones held in quarantine, and deleting a
contact's files with it (docs/adr/0032).

An upload is checked in this order, and refused with a message saying why: a name,
a size within ``DOCUMENT_MAX_BYTES``, a type libmagic reads from the bytes (PDF, an
image, Word, an email), then clamd. Infected: refused, nothing stored, the refusal
audited. clamd not answering: stored encrypted but held in quarantine, unreadable,
until ``documents_scan_quarantined`` (a beat job) scans it.
"""

from __future__ import annotations

import hashlib
import io
import logging
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass, replace

import magic
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone

from frontdoor import events, file_crypto, malware
from frontdoor.audit import audit_record
from frontdoor.limits import in_megabytes
from frontdoor.models import AuditEvent, User
from referrals.models import Contact, Document, Restriction
from referrals.selectors import can_screen

logger = logging.getLogger(__name__)

ALLOWED_TYPES = Document.CONTENT_TYPES
KINDS_IN_WORDS = (
    "a PDF, an image (JPEG, PNG, GIF, TIFF, HEIC or WebP), a Word document, an email or a text file"
)
NAME_LIMIT = Document._meta.get_field("filename").max_length
DESCRIPTION_LIMIT = Document._meta.get_field("description").max_length


class DocumentRefused(Exception):
    """The file was not attached; ``message`` says why, for the person who sent it."""

    def __init__(self, message: str, *, field: str = "file", infected: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.infected = infected


@dataclass(frozen=True)
class DocumentUpload:
    filename: str
    data: bytes
    description: str = ""
    # The clean scan of these very bytes, when they were scanned before the contact
    # existed (``document_check_before_sending``): not scanned a second time moments later.
    clean_scan: malware.ScanResult | None = None


def _storage():
    return storages["documents"]


def filename_clean(name: str) -> str:
    """The name as given, without a path, control characters or anything a download's
    header could be confused by; at most ``NAME_LIMIT`` characters, keeping the extension."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C" and ch not in '"')
    name = name.strip().strip(".") or ""
    if len(name) > NAME_LIMIT:
        stem, dot, extension = name.rpartition(".")
        extension = extension[:10] if dot else ""
        name = (
            stem[: NAME_LIMIT - len(extension) - 1] + "." + extension if dot else name[:NAME_LIMIT]
        )
    return name


WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# The parts every Word (OOXML) document has, whatever order its writer put them in.
WORD_PARTS = {"[Content_Types].xml", "_rels/.rels", "word/document.xml"}


def content_type_of(data: bytes) -> str:
    """The type libmagic reads from the bytes. libmagic knows a Word document only when
    its first part is ``[Content_Types].xml``; some writers put another part first, and
    that reads as a plain zip: one whose parts list has Word's parts is Word."""
    found = magic.from_buffer(data[: 1024 * 1024], mime=True)
    if found == "application/zip" and _zip_names(data) >= WORD_PARTS:
        return WORD
    return found


def _zip_names(data: bytes) -> set[str]:
    """The names in a zip's directory (nothing is extracted); none if it is not one."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return set()


def _may_attach(actor: User, contact: Contact) -> None:
    if contact.erased_at is not None:
        raise DocumentRefused("This contact was erased under the retention policy.", field="")
    if contact.referrer_id == actor.pk:
        return  # the referrer (or partner system) adds to what they sent
    if not can_screen(actor):
        raise DocumentRefused("Only screeners, managers and the referrer may attach files.")
    # Views refuse first, through the contact's access function; this holds for every caller.
    if Restriction.objects.closed_to(actor).on_contact(contact.pk).exists():
        raise DocumentRefused("This record is restricted to the people named on it.", field="")


def upload_problems(upload: DocumentUpload) -> tuple[str, str] | None:
    """(field, message) for the first thing wrong with an upload before it is scanned."""
    maximum = settings.DOCUMENT_MAX_BYTES
    if not filename_clean(upload.filename):
        return "file", "The file has no name: rename it and choose it again"
    if not upload.data:
        return "file", "The selected file is empty"
    if len(upload.data) > maximum:
        return "file", f"The selected file must be smaller than {in_megabytes(maximum)}"
    if len(upload.description) > DESCRIPTION_LIMIT:
        return "description", f"The description must be {DESCRIPTION_LIMIT} characters or fewer"
    if "\x00" in upload.description:
        return "description", "The description has a null character (\\0) in it: type it again"
    if content_type_of(upload.data) not in ALLOWED_TYPES:
        return "file", f"The selected file must be {KINDS_IN_WORDS}"
    return None


def document_attach(
    *, actor: User, contact: Contact, upload: DocumentUpload, via: Document.Via | str
) -> Document:
    """Check, scan, encrypt and store a file on ``contact``; ``DocumentRefused`` says why
    not. Not one transaction: a refusal for malware is audited and stays audited."""
    _may_attach(actor, contact)
    problem = upload_problems(upload)
    if problem:
        raise DocumentRefused(problem[1], field=problem[0])
    sha256 = hashlib.sha256(upload.data).hexdigest()
    result = upload.clean_scan or malware.scan(upload.data)
    if result.infected:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            record_type="contact",
            record_id=contact.reference,
            via="referrals.document_attach",
            detail={"document_refused": result.signature, "sha256": sha256},
        )
        raise DocumentRefused(_infected_message(result.signature), infected=True)
    now = timezone.now()
    try:
        storage_name = _storage().save(
            f"{now:%Y/%m}/{uuid.uuid4().hex}.bin", ContentFile(file_crypto.encrypt(upload.data))
        )
    except OSError as failed:
        # A full disk, or an object store that did not answer: nothing is kept, and the
        # person is told to try again rather than shown an error page.
        logger.error("The document store refused a file: %s", type(failed).__name__)
        raise DocumentRefused(
            "The file could not be stored just now, so it was not attached: "
            "try attaching it again in a few minutes."
        ) from None
    try:
        with transaction.atomic():
            document = Document.objects.create(
                contact=contact,
                filename=filename_clean(upload.filename),
                description=upload.description.strip(),
                content_type=content_type_of(upload.data),
                size=len(upload.data),
                sha256=sha256,
                storage_name=storage_name,
                via=via,
                uploaded_by=actor,
                uploaded_at=now,
                scan_state=(
                    Document.ScanState.CLEAN if result.clean else Document.ScanState.QUARANTINED
                ),
                scanned_at=now if result.clean else None,
                scanner=result.scanner[:200],
            )
            audit_record(
                actor=actor,
                action=AuditEvent.Action.CREATE,
                record_type="contact",
                record_id=contact.reference,
                via="referrals.document_attach",
                detail={"document": document.pk, "scan_state": document.scan_state},
            )
    except BaseException:
        _storage().delete(storage_name)
        raise
    return document


def _infected_message(signature: str) -> str:
    return (
        f"The selected file was not attached: the virus scanner found malware in it "
        f"({signature}). Nothing was kept. Ask the sender for a clean copy."
    )


def document_check_before_sending(
    *, actor: User, upload: DocumentUpload
) -> tuple[DocumentUpload, DocumentRefused | None]:
    """What ``document_attach`` would refuse, asked before the contact the file is for
    exists: the referral form checks its file before sending, so a refused file sends
    nothing and the referrer can choose another with every answer kept. A file clamd
    cannot be asked about now is not refused: once attached it is held in quarantine.
    A malware refusal is audited against the referrer's unsent form, as ``document_attach``
    audits one against the contact. Returns the upload to attach, carrying its clean
    scan so that attaching does not scan it again."""
    problem = upload_problems(upload)
    if problem:
        return upload, DocumentRefused(problem[1], field=problem[0])
    result = malware.scan(upload.data)
    if result.clean:
        return replace(upload, clean_scan=result), None
    if not result.infected:
        return upload, None
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        record_type="referral_draft",
        record_id=actor.pk,
        via="referrals.document_check_before_sending",
        detail={
            "document_refused": result.signature,
            "sha256": hashlib.sha256(upload.data).hexdigest(),
        },
    )
    return upload, DocumentRefused(_infected_message(result.signature), infected=True)


def document_read(*, actor: User, document: Document) -> bytes:
    """The plaintext of a clean document (the caller used ``document_get``), audited as a
    view of the contact. A held or refused one is never read."""
    if not document.readable:
        raise DocumentRefused("This file has not been scanned yet, so it cannot be opened.")
    with _storage().open(document.storage_name, "rb") as handle:
        data = file_crypto.decrypt(handle.read())
    if hashlib.sha256(data).hexdigest() != document.sha256:
        raise RuntimeError(f"Document {document.pk} does not match its SHA-256")
    audit_record(
        actor=actor,
        action=AuditEvent.Action.VIEW,
        record_type="contact",
        record_id=document.contact.reference,
        via="referrals.document_read",
        detail={"document": document.pk},
    )
    return data


def document_scan_held(*, document_id: int) -> Document.ScanState | None:
    """Scan one quarantined document if clamd answers: released as clean, or refused and
    its bytes deleted. Safe to run twice; ``None`` when clamd still cannot be asked."""
    with transaction.atomic():
        document = (
            Document.objects.select_for_update(skip_locked=True)
            .select_related("contact")
            .filter(pk=document_id, scan_state=Document.ScanState.QUARANTINED)
            .first()
        )
        if document is None:
            return None
        with _storage().open(document.storage_name, "rb") as handle:
            data = file_crypto.decrypt(handle.read())
        result = malware.scan(data)
        if not result.reachable:
            return None
        document.scanned_at = timezone.now()
        document.scanner = result.scanner[:200]
        if result.clean:
            document.scan_state = Document.ScanState.CLEAN
        else:
            doomed = document.storage_name
            document.scan_state = Document.ScanState.REFUSED
            document.signature = result.signature[:200]
            document.storage_name = ""
            transaction.on_commit(lambda: _storage().delete(doomed))
        document.save(
            update_fields=["scan_state", "scanned_at", "scanner", "signature", "storage_name"]
        )
        audit_record(
            actor=None,
            action=AuditEvent.Action.CHANGE,
            record_type="contact",
            record_id=document.contact.reference,
            via="referrals.document_scan_held",
            detail={"document": document.pk, "scan_state": document.scan_state},
        )
        return document.scan_state


def documents_scan_quarantined() -> dict[str, int]:
    """The beat sweep: scan every held document, oldest first, stopping at the first one
    clamd cannot take (it is down; the next sweep tries again)."""
    counts = {"clean": 0, "refused": 0, "still_held": 0}
    held = Document.objects.filter(scan_state=Document.ScanState.QUARANTINED).order_by(
        "uploaded_at", "pk"
    )
    for document_id in held.values_list("pk", flat=True):
        state = document_scan_held(document_id=document_id)
        if state is None:
            counts["still_held"] = held.count()
            break
        counts[state] += 1
    return counts


def documents_erase(*, contact_ids: list[int]) -> int:
    """Delete the files and rows of these contacts' documents (retention erasure; the
    caller holds the contacts locked and audits the erasure). The bytes go after commit,
    so a rolled-back erasure keeps them."""
    documents = Document.objects.filter(contact_id__in=contact_ids)
    names = [name for name in documents.values_list("storage_name", flat=True) if name]
    deleted, _ = documents.delete()

    def files_delete() -> None:
        for name in names:
            _storage().delete(name)

    transaction.on_commit(files_delete)
    return deleted


def documents_rekey() -> int:
    """Encrypt every stored document again under the newest key (``DOCUMENT_KEYS``'s
    first), so an old key can then be removed; one document per transaction, the old
    bytes deleted after each commit. Then everything else sealed with the same keys is
    sealed again by its app (``DOCUMENT_KEYS_ROTATED``). Returns how many documents
    were re-encrypted."""
    done = 0
    stored = Document.objects.exclude(storage_name="").values_list("pk", flat=True)
    for document_id in stored.iterator():
        with transaction.atomic():
            document = (
                Document.objects.select_for_update().exclude(storage_name="").filter(pk=document_id)
            ).first()
            if document is None:
                continue
            with _storage().open(document.storage_name, "rb") as handle:
                token = file_crypto.rotate(handle.read())
            old = document.storage_name
            document.storage_name = _storage().save(
                f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}.bin", ContentFile(token)
            )
            document.save(update_fields=["storage_name"])
            transaction.on_commit(lambda old=old: _storage().delete(old))
        done += 1
    events.publish(events.DOCUMENT_KEYS_ROTATED)
    return done
