"""A force's CSV file of police notifications as a kept job (docs/adr/0040): uploaded,
kept sealed on the row (never in a task's arguments) so a broker or worker outage loses
nothing, imported by the worker a chunk of rows at a time, each chunk's rows, report and
place in the file committed together; the file is emptied once done, and the report by
row (what became of each row, and why a refused one was refused) stays for its
uploader for ``POLICE_IMPORT_REPORT_DAYS``."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from frontdoor.models import Agency


class PoliceImport(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be imported"
        IMPORTING = "importing", "Being imported"
        IMPORTED = "imported", "Imported"
        # Stopped before the end (``problem`` says why); the rows before are kept.
        FAILED = "failed", "Not finished"

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    force = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    sealed_file = models.BinaryField(
        blank=True, help_text="The file, encrypted under DOCUMENT_KEYS; emptied once done."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    # Rows dealt with so far, committed with them: a run taken over starts after them.
    rows_done = models.PositiveIntegerField(default=0)
    recorded = models.PositiveIntegerField(default=0)
    resent = models.PositiveIntegerField(default=0)  # re-sends changed included
    changed = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    problem = models.CharField(max_length=300, blank=True, help_text="Why nothing was imported.")
    # The broker could not be reached at upload: the sweeper queues it once it can.
    not_queued = models.BooleanField(default=False)
    started_at = models.DateTimeField(null=True, blank=True)
    # Runs that claimed it (``frontdoor.jobs``): past JOBS_MAX_ATTEMPTS lost runs it fails.
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The one summary email to the uploader, once the import is done: claimed by the run
    # sending it (taken over once the claim is old, the run lost), then marked sent.
    summary_claimed_at = models.DateTimeField(null=True, blank=True)
    summary_sent_at = models.DateTimeField(null=True, blank=True)

    FINISHED = (Status.IMPORTED, Status.FAILED)

    class Meta:
        ordering = ["-uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "importing", "imported", "failed"]),
                name="police_import_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["imported", "failed"]) | models.Q(sealed_file=b""),
                name="police_import_file_cleared_when_done",
            ),
        ]

    def __str__(self) -> str:
        return f"Police import {self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in self.FINISHED


class PoliceImportRow(models.Model):
    """What became of one row of an imported file."""

    class Outcome(models.TextChoices):
        RECORDED = "recorded", "Recorded"
        RESENT = "resent", "Already sent"
        CHANGED = "changed", "Already sent, but different"
        REFUSED = "refused", "Not imported"

    job = models.ForeignKey(PoliceImport, on_delete=models.CASCADE, related_name="report_rows")
    number = models.PositiveIntegerField(help_text="The row as a spreadsheet numbers it.")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    police_reference = models.CharField(max_length=50, blank=True)
    contact_reference = models.CharField(max_length=20, blank=True)
    column = models.CharField(max_length=40, blank=True)
    message = models.TextField(
        blank=True, help_text="Why it was refused, or how a re-send differs."
    )

    class Meta:
        ordering = ["job", "number"]
        constraints = [
            models.UniqueConstraint(fields=["job", "number"], name="police_import_row_once"),
            models.CheckConstraint(
                condition=models.Q(outcome__in=["recorded", "resent", "changed", "refused"]),
                name="police_import_row_outcome_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Row {self.number} of police import {self.job_id}"
