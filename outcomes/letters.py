"""Family letters the council prints and posts itself: making each letter, gathering
the day's print batch, the batch as one PDF, and marking letters printed and posted.

Writes only; reads for pages are in ``outcomes.selectors_letters``. A letter is made
when its notice is delivered (``services.notice_deliver`` hands it here instead of to
GOV.UK Notify), with its words fixed then, so every download of a batch prints the
same letters. A manager sees and marks only the letters of contacts open to them:
a restricted contact's letter waits for someone the restriction names.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from frontdoor.audit import audit_views
from frontdoor.models import AuditEvent, User
from frontdoor.roles import Permission
from outcomes import notify
from outcomes.models import Letter, Notice, PrintBatch
from outcomes.scorecard.exports import static_only_fetcher
from referrals import selectors as referral_selectors
from referrals.selectors_family_address import letter_address

# Any number unique among the app's advisory locks (outcomes/handoff/ has others).
GATHER_LOCK = 0x46_44_50_42  # "FDPB"


class LetterRefused(Exception):
    pass


def printed_here(notice: Notice) -> bool:
    """Whether this notice is a letter the council prints itself: every letter when
    GOV.UK Notify is not set up, else the kinds the council chose to post."""
    if notice.channel != Notice.Channel.LETTER:
        return False
    chosen = settings.LETTERS_POSTED_BY_COUNCIL
    return not notify.enabled() or "all" in chosen or notice.kind in chosen


def letter_make(*, notice: Notice, subject: str, body: str) -> Letter:
    """The letter for a notice being delivered (its worker has claimed it), made once
    however often delivery runs; the notice waits to be posted."""
    with transaction.atomic():
        letter, _ = Letter.objects.get_or_create(
            notice=notice,
            defaults={
                "contact_id": notice.contact_id,
                "recipient": notice.recipient,
                "subject": subject[:200],
                "body": body,
            },
        )
        Notice.objects.filter(pk=notice.pk).update(
            status=Notice.Status.TO_POST, failure_reason="", updated_at=timezone.now()
        )
    return letter


@transaction.atomic
def print_batch_gather(*, day: date | None = None) -> PrintBatch | None:
    """Put the letters waiting, oldest first, into the day's last batch until it holds
    ``PRINT_BATCH_MAX_LETTERS``, then into the day's next batch. Once the day's last
    batch has been downloaded, letters wait for the next day's. Safe
    to run again: a letter joins one batch. Returns the day's last batch, or None when
    nothing waits and the day has none."""
    day = day or timezone.localdate()
    limit = settings.PRINT_BATCH_MAX_LETTERS
    waiting = Letter.objects.filter(batch__isnull=True, state=Letter.State.TO_PRINT)
    # One gatherer at a time, whether or not the day's first batch exists yet; the
    # batch's row lock waits for a download freezing it (and a download waits for this).
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [GATHER_LOCK])
    batch = PrintBatch.objects.select_for_update().filter(day=day).order_by("-number").first()
    while True:
        held = batch.letters.count() if batch else 0
        if batch is not None and batch.frozen:
            return batch  # downloaded: the rest wait for the next day's batch
        if batch is None or held >= limit:
            if not waiting.exists():
                return batch
            batch = PrintBatch.objects.create(day=day, number=batch.number + 1 if batch else 1)
            held = 0
        chosen = list(
            waiting.order_by("made_at", "pk").values_list("pk", flat=True)[: limit - held]
        )
        if not chosen:
            return batch
        Letter.objects.filter(pk__in=chosen, batch__isnull=True).update(batch=batch)


def _require_manager(actor: User) -> None:
    if not actor.has_perm(Permission.APPROVE_DECISIONS.perm):
        raise LetterRefused("Only a manager can print and post letters.")


def letters_open_to(*, user: User, batch: PrintBatch) -> QuerySet[Letter]:
    """The batch's letters whose contacts ``user`` may open, in print order. A letter
    whose contact was erased before it was printed holds the erasure marker in place of
    an address and words: it is never printed."""
    return (
        batch.letters.annotate(closed=referral_selectors.closed_to(user, "contact_id"))
        .filter(closed=False, contact__erased_at__isnull=True)
        .select_related("contact", "notice")
        .order_by("pk")
    )


def _render_pdf(batch: PrintBatch, letters: list[Letter]) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "outcomes/letters/batch.html",
        {
            "batch": batch,
            "letters": letters,
            "council_name": settings.COUNCIL_NAME.strip(),
            "service_name": settings.SERVICE_NAME,
            "council_address": settings.COUNCIL_POSTAL_ADDRESS,
            "council_email": settings.COUNCIL_EMAIL,
            "front_door_phone": settings.FRONT_DOOR_PHONE,
        },
    )
    base = f"file://{settings.STATIC_URL}"
    return HTML(string=html, base_url=base, url_fetcher=static_only_fetcher).write_pdf()


def print_batch_pdf(*, actor: User, batch: PrintBatch, request=None) -> bytes:
    """The batch's letters open to ``actor`` as one PDF, one letter from each new page.
    The first download freezes the batch; each download is audited as an export of
    every contact it holds."""
    _require_manager(actor)
    with transaction.atomic():
        batch = PrintBatch.objects.select_for_update().get(pk=batch.pk)
        if not batch.frozen:
            batch.first_downloaded_at, batch.first_downloaded_by = timezone.now(), actor
            batch.save(update_fields=["first_downloaded_at", "first_downloaded_by"])
        letters = list(letters_open_to(user=actor, batch=batch))
        if not letters:
            raise LetterRefused("There are no letters in this batch that you can open.")
        _fix_addresses(letters)
        audit_views(
            actor=actor,
            action=AuditEvent.Action.EXPORT,
            record_type="contact",
            record_ids=sorted({letter.contact.reference for letter in letters}),
            request=request,
            via="outcomes.print_batch_pdf",
        )
    return _render_pdf(batch, letters)


def _fix_addresses(letters: list[Letter]) -> None:
    """A letter downloaded for the first time goes to the family's address as it is
    now (staff may have corrected it since the letter was made), and is fixed there."""
    now = timezone.now()
    for letter in letters:
        if letter.downloaded_at is not None:
            continue
        address = letter_address(letter.contact)
        if address is not None and address.as_text() != letter.recipient:
            letter.recipient = address.as_text()
            Notice.objects.filter(pk=letter.notice_id).update(
                recipient=letter.recipient, updated_at=now
            )
        letter.downloaded_at = now
        Letter.objects.filter(pk=letter.pk).update(recipient=letter.recipient, downloaded_at=now)


@transaction.atomic
def print_batch_mark_printed(*, actor: User, batch: PrintBatch, request=None) -> int:
    """Mark the batch's letters (those open to the actor, still to print) printed."""
    _require_manager(actor)
    batch = PrintBatch.objects.select_for_update().get(pk=batch.pk)
    if not batch.frozen:
        raise LetterRefused("Download and print the batch before marking it printed.")
    # Only letters someone has downloaded: a letter on a restricted contact waits for a
    # manager named on it to download it, even after the batch was first downloaded.
    letters = list(
        letters_open_to(user=actor, batch=batch).filter(
            state=Letter.State.TO_PRINT, downloaded_at__isnull=False
        )
    )
    if not letters:
        raise LetterRefused(
            "No letters in this batch are waiting to be printed: download the batch first."
        )
    now = timezone.now()
    Letter.objects.filter(pk__in=[letter.pk for letter in letters]).update(
        state=Letter.State.PRINTED, printed_at=now, printed_by=actor
    )
    _audit_change(actor, letters, "outcomes.print_batch_printed", request)
    return len(letters)


@transaction.atomic
def print_batch_mark_posted(*, actor: User, batch: PrintBatch, request=None) -> int:
    """Mark the batch's printed letters (those open to the actor) posted: their
    notices are sent, as of now."""
    _require_manager(actor)
    batch = PrintBatch.objects.select_for_update().get(pk=batch.pk)
    letters = list(letters_open_to(user=actor, batch=batch).filter(state=Letter.State.PRINTED))
    if not letters:
        raise LetterRefused("Mark the letters printed before marking them posted.")
    now = timezone.now()
    Letter.objects.filter(pk__in=[letter.pk for letter in letters]).update(
        state=Letter.State.POSTED, posted_at=now, posted_by=actor
    )
    Notice.objects.filter(pk__in=[letter.notice_id for letter in letters]).update(
        status=Notice.Status.SENT, sent_at=now, updated_at=now
    )
    _audit_change(actor, letters, "outcomes.print_batch_posted", request)
    return len(letters)


def _audit_change(actor: User, letters: list[Letter], via: str, request) -> None:
    audit_views(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        record_type="contact",
        record_ids=sorted({letter.contact.reference for letter in letters}),
        request=request,
        via=via,
    )
