"""The print batch's download changes what it downloads (it closes the batch and fixes
each letter's address), so it is a POST: a GET, such as a browser's prefetch or a link
checker following the page, changes nothing. A batch holds at most
``PRINT_BATCH_MAX_LETTERS`` letters, so one download is a PDF a web request can make;
more letters on a day go in that day's next batch."""

from __future__ import annotations

import pytest
from django.urls import reverse

from outcomes import letters
from outcomes.models import Letter, PrintBatch
from tests.support.letters import batch_pdf, letter_made, pdf_pages, told_family

pytestmark = pytest.mark.django_db


def test_a_get_of_the_download_is_refused_and_closes_nothing(
    client, screener, manager, referrer, level
):
    contact, _ = told_family(referrer, screener, level)
    letter = letter_made(contact)
    batch = letters.print_batch_gather()
    client.force_login(manager)
    url = reverse("outcomes:print-batch-pdf", args=[batch.pk])

    assert client.get(url).status_code == 405

    batch.refresh_from_db()
    letter.refresh_from_db()
    assert not batch.frozen
    assert letter.downloaded_at is None
    # The page offers the download as a button in a form, not as a link.
    page = client.get(reverse("outcomes:print-batches"))
    assert f'action="{url}"' in page.text
    assert f'href="{url}"' not in page.text
    response = batch_pdf(client, batch)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    batch.refresh_from_db()
    assert batch.frozen


def test_a_batch_holds_at_most_the_limit_and_the_rest_start_the_days_next_batch(
    client, screener, manager, referrer, level, settings
):
    settings.PRINT_BATCH_MAX_LETTERS = 2
    made = [letter_made(told_family(referrer, screener, level)[0]) for _ in range(5)]

    last = letters.print_batch_gather()

    batches = list(PrintBatch.objects.order_by("number"))
    assert [batch.number for batch in batches] == [1, 2, 3]
    assert {batch.day for batch in batches} == {last.day}
    assert last == batches[-1]
    sizes = [batch.letters.count() for batch in batches]
    assert sizes == [2, 2, 1]
    # Oldest first: the first batch has the first letters made.
    assert set(batches[0].letters.all()) == set(made[:2])
    assert letters.print_batch_gather() == last  # again: nothing moves
    assert [b.letters.count() for b in PrintBatch.objects.order_by("number")] == [2, 2, 1]

    client.force_login(manager)
    assert pdf_pages(batch_pdf(client, batches[0]).content) == 2
    page = client.get(reverse("outcomes:print-batches"))
    assert "batch 2 of the day" in page.text
    response = batch_pdf(client, batches[1])
    assert response["Content-Disposition"].endswith(f'letters-{last.day:%Y-%m-%d}-2.pdf"')


def test_a_partly_filled_batch_fills_to_the_limit_until_it_is_downloaded(
    client, screener, manager, referrer, level, settings
):
    settings.PRINT_BATCH_MAX_LETTERS = 3
    letter_made(told_family(referrer, screener, level)[0])
    first = letters.print_batch_gather()
    for _ in range(3):
        letter_made(told_family(referrer, screener, level)[0])

    assert letters.print_batch_gather().number == 2
    assert [b.letters.count() for b in PrintBatch.objects.order_by("number")] == [3, 1]

    # Once the day's last batch is downloaded, later letters wait for the next day's, as
    # before: a manager is not handed a new batch every hour.
    client.force_login(manager)
    batch_pdf(client, PrintBatch.objects.get(number=2))
    late = letter_made(told_family(referrer, screener, level)[0])
    letters.print_batch_gather(day=first.day)
    late.refresh_from_db()
    assert late.batch is None
    assert Letter.objects.filter(batch__isnull=True).count() == 1


def test_the_limit_must_be_a_positive_number(settings):
    from frontdoor.settings.correspondence import print_batch_limit

    assert print_batch_limit("250") == 250
    for wrong in ("0", "-1", "many"):
        with pytest.raises(Exception, match="PRINT_BATCH_MAX_LETTERS"):
            print_batch_limit(wrong)
