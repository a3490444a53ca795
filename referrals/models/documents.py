"""Files attached to a contact: a police report, a body map, a school's chronology.

The row holds what the file is (its name as given, the type libmagic read from its
bytes, size, SHA-256), who attached it and when, and where its scan stands; the bytes
live encrypted in the ``documents`` storage (frontdoor/file_crypto.py). A file clamd
found infected at upload is never stored and has no row (the audit trail records the
refusal); one held because clamd could not be asked waits in quarantine, unreadable,
until the sweep scans it: clean, or refused and its bytes deleted (docs/adr/0032).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from referrals.models.contacts import Contact


class Document(models.Model):
    # What a front door is sent: reports and letters, photographs and body maps, Word
    # documents, and emails saved from a mail client. Read from the bytes, not the name.
    CONTENT_TYPES = {
        "application/pdf": "PDF",
        "image/jpeg": "JPEG image",
        "image/png": "PNG image",
        "image/gif": "GIF image",
        "image/tiff": "TIFF image",
        "image/heic": "HEIC photo",
        "image/webp": "WebP image",
        "application/msword": "Word document",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word document",
        "application/vnd.oasis.opendocument.text": "OpenDocument text",
        "message/rfc822": "Email",
        "text/plain": "Text",
    }

    class ScanState(models.TextChoices):
        CLEAN = "clean", "Scanned: no malware found"
        QUARANTINED = "quarantined", "Held until it can be scanned"
        REFUSED = "refused", "Refused: malware found"

    class Via(models.TextChoices):
        REFERRAL = "referral", "Referral"
        SCREENING = "screening", "Screening"
        PARTNER_API = "partner_api", "Partner system"

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="documents")
    filename = models.CharField(max_length=200)
    description = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    # Where the encrypted bytes are in the documents storage; empty once deleted.
    storage_name = models.CharField(max_length=200, blank=True)
    via = models.CharField(max_length=20, choices=Via.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    scan_state = models.CharField(max_length=20, choices=ScanState.choices)
    scanned_at = models.DateTimeField(null=True, blank=True)
    # The daemon and database that scanned it ("ClamAV 1.4.6/27841/..."), and what it
    # found when it refused the file.
    scanner = models.CharField(max_length=200, blank=True)
    signature = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        indexes = [
            models.Index(
                fields=["uploaded_at"],
                condition=Q(scan_state="quarantined"),
                name="document_quarantined_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(scan_state__in=["clean", "quarantined", "refused"]),
                name="document_scan_state_known",
            ),
            # A clean or held file has its bytes; a refused one never keeps them.
            models.CheckConstraint(
                condition=(~Q(scan_state="refused") & ~Q(storage_name=""))
                | Q(scan_state="refused", storage_name=""),
                name="document_bytes_unless_refused",
            ),
            models.CheckConstraint(
                condition=Q(scan_state="quarantined") | Q(scanned_at__isnull=False),
                name="document_scanned_unless_quarantined",
            ),
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="document_sha256_hex"
            ),
        ]

    def __str__(self) -> str:
        return self.filename

    @property
    def kind_words(self) -> str:
        return self.CONTENT_TYPES.get(self.content_type, "File")

    @property
    def readable(self) -> bool:
        return self.scan_state == self.ScanState.CLEAN
