"""Family letters the council prints and posts itself, and the daily batches they are
printed in.

A family notice goes by letter. Where GOV.UK Notify is not set up (a default
install), or the council posts a kind of letter itself (``LETTERS_POSTED_BY_COUNCIL``),
delivering the notice writes a ``Letter`` here instead: the words as they will be
printed, fixed when it was made. A beat job gathers the letters waiting into the
day's ``PrintBatch``; a manager downloads the batch as one PDF, prints it, and marks
its letters printed and then posted. Each letter's state is on the contact.
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q


class PrintBatch(models.Model):
    """A day's letters to print, at most ``PRINT_BATCH_MAX_LETTERS`` of them: a busy day
    has batches 1, 2, ... Letters join the day's last batch until it is full or first
    downloaded, which freezes it: what was downloaded is what gets marked printed. No
    personal details here (a day and times), so erasure leaves it; its letters' words
    are erased."""

    day = models.DateField()
    # Which of the day's batches: 1 unless the day's letters filled one.
    number = models.PositiveSmallIntegerField(default=1)
    made_at = models.DateTimeField(auto_now_add=True)
    first_downloaded_at = models.DateTimeField(null=True, blank=True)
    first_downloaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-day", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["day", "number"], name="print_batch_day_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="print_batch_number_from_1"),
            models.CheckConstraint(
                condition=Q(first_downloaded_at__isnull=True)
                | Q(first_downloaded_by__isnull=False),
                name="print_batch_download_is_attributed",
            ),
        ]

    def __str__(self) -> str:
        return f"Letters to print on {self.label}"

    @property
    def label(self) -> str:
        """The day, and which of its batches when it is not the first."""
        day = f"{self.day:%-d %B %Y}"
        return day if self.number == 1 else f"{day}, batch {self.number} of the day"

    @property
    def filename(self) -> str:
        suffix = "" if self.number == 1 else f"-{self.number}"
        return f"letters-{self.day:%Y-%m-%d}{suffix}.pdf"

    @property
    def frozen(self) -> bool:
        return self.first_downloaded_at is not None


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), append_only=True
)
class Letter(models.Model):
    class State(models.TextChoices):
        TO_PRINT = "to_print", "To print"
        PRINTED = "printed", "Printed, to post"
        POSTED = "posted", "Posted"

    notice = models.OneToOneField(
        "outcomes.Notice", on_delete=models.PROTECT, related_name="printed_letter"
    )
    # The notice's contact again, so restrictions and erasure reach letters in one join.
    contact = models.ForeignKey(
        "referrals.Contact", on_delete=models.PROTECT, related_name="printed_letters"
    )
    batch = models.ForeignKey(
        PrintBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="letters"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.TO_PRINT)
    # The letter as it prints: the address block, the heading and the words.
    recipient = models.TextField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    made_at = models.DateTimeField(auto_now_add=True)
    # When it was first in a downloaded PDF: its address was fixed then, and only a
    # letter someone has downloaded can be marked printed.
    downloaded_at = models.DateTimeField(null=True, blank=True)
    printed_at = models.DateTimeField(null=True, blank=True)
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    posted_at = models.DateTimeField(null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["made_at", "pk"]
        indexes = [models.Index(fields=["state", "batch"], name="letter_state_batch_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="to_print", printed_at__isnull=True, posted_at__isnull=True)
                | Q(
                    state="printed",
                    batch__isnull=False,
                    printed_at__isnull=False,
                    printed_by__isnull=False,
                    posted_at__isnull=True,
                )
                | Q(
                    state="posted",
                    batch__isnull=False,
                    printed_at__isnull=False,
                    posted_at__isnull=False,
                    posted_by__isnull=False,
                ),
                name="letter_state_has_its_times",
            ),
        ]

    def __str__(self) -> str:
        return f"Letter for notice {self.notice_id} ({self.state})"
