"""Merging duplicate person records through the pages a manager uses: choose,
compare, merge, the tombstone's redirect, the merge's page and undoing it; with the
refusals and hostile input a new user might give."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from frontdoor.models import AuditEvent
from frontdoor.roles import Role
from referrals.models import Person, PersonMerge, PersonWarning
from tests.factories import UserFactory
from tests.support.merges import NHS_B, NHS_OTHER, duplicates, merge

pytestmark = pytest.mark.django_db

REASON = "The school confirmed the date of birth, address and both spellings."


@pytest.fixture
def dup(referrer, screener, manager):
    return duplicates(referrer=referrer, screener=screener, manager=manager)


def _compare(a, b) -> str:
    return reverse("referrals:person-merge-compare", args=[a.pk, b.pk])


def _merge(client, a, b, reason=REASON, keep=None):
    return client.post(_compare(a, b), {"keep": (keep or a).pk, "reason": reason})


def test_a_manager_compares_merges_follows_the_tombstone_and_undoes_it(client, manager, dup):
    a, b = dup.a, dup.b
    client.force_login(manager)
    person_page = client.get(reverse("referrals:person-detail", args=[a.pk])).text
    choose = reverse("referrals:person-merge-choose", args=[a.pk])
    assert f'href="{choose}"' in person_page

    listed = client.get(choose).text
    assert f'href="{_compare(a, b)}"' in listed  # B is a likely duplicate of A
    by_number = client.get(choose, {"other": str(b.pk)})
    assert by_number.status_code == 302
    assert by_number["Location"] == _compare(a, b)

    compared = client.get(_compare(a, b))
    assert compared.status_code == 200
    text = compared.text
    assert "Amelia Harrisson" in text
    assert NHS_B in text
    # Last name and NHS number differ (and are marked); the date of birth does not.
    assert text.count("govuk-tag--yellow") >= 2
    assert re.search(
        r"Date of birth</th>\s*<td[^>]*>12 April 2016</td><td[^>]*>12 April 2016", text
    )
    assert f"If record {a.pk} is kept" in text
    # Viewing both records is audited as a read of each.
    viewed = AuditEvent.objects.filter(via="referrals:person-merge-compare", actor=manager)
    assert {e.record_id for e in viewed} == {str(a.pk), str(b.pk)}

    response = _merge(client, a, b)
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:person-detail", args=[a.pk])
    merge = PersonMerge.objects.get()
    assert (merge.kept_id, merge.merged_id, merge.reason) == (a.pk, b.pk, REASON)

    # The old record, its chronology (filters kept) and a page of its warning redirect.
    old = client.get(reverse("referrals:person-detail", args=[b.pk]), follow=True)
    assert old.redirect_chain == [(reverse("referrals:person-detail", args=[a.pk]), 302)]
    assert f"Person record {b.pk} was merged into this record" in old.text
    chronology = client.get(reverse("outcomes:person-chronology", args=[b.pk]), {"order": "oldest"})
    assert chronology["Location"] == (
        reverse("outcomes:person-chronology", args=[a.pk]) + "?order=oldest"
    )
    review = reverse("referrals:warning-review", args=[b.pk, dup.warning.pk])
    assert client.get(review)["Location"] == reverse(
        "referrals:warning-review", args=[a.pk, dup.warning.pk]
    )
    kept_chronology = client.get(reverse("outcomes:person-chronology", args=[a.pk])).text
    assert f"Duplicate records merged: record {b.pk} into {a.pk}" in kept_chronology
    assert REASON in kept_chronology

    merge_url = reverse("referrals:person-merge", args=[merge.pk])
    kept_page = client.get(reverse("referrals:person-detail", args=[a.pk])).text
    assert f'href="{merge_url}"' in kept_page
    merge_page = client.get(merge_url).text
    assert REASON in merge_page
    assert "Appearances on contacts: 1" in merge_page
    assert "Warnings: 1" in merge_page
    access = client.get(reverse("referrals:person-access", args=[a.pk])).text
    assert "referrals.person_merge" in access

    undo = reverse("referrals:person-merge-undo", args=[merge.pk])
    assert client.post(undo, {"reason": ""}).status_code == 200  # the page, with its error
    shown_again = AuditEvent.objects.filter(via="referrals:person-merge-undo", actor=manager)
    assert {e.record_id for e in shown_again} == {str(a.pk), str(b.pk)}
    response = client.post(undo, {"reason": "Twins: the school has two of them."})
    assert response.status_code == 302
    assert client.get(reverse("referrals:person-detail", args=[b.pk])).status_code == 200
    assert "Undone" in client.get(merge_url).text
    assert "Merge undone" in client.get(reverse("outcomes:person-chronology", args=[a.pk])).text
    # Once only.
    again = client.post(undo, {"reason": "Twins: the school has two of them."})
    assert "already been undone" in again.text


def test_a_post_to_a_tombstone_saves_nothing_and_gives_back_what_was_typed(client, manager, dup):
    client.force_login(manager)
    _merge(client, dup.a, dup.b)
    typed = "<script>alert(1)</script> =SUM(A1)"
    response = client.post(
        reverse("referrals:person-upn", args=[dup.b.pk]), {"unique_pupil_number": typed}
    )
    assert response.status_code == 409
    assert "Nothing was saved" in response.text
    # What was typed comes back, escaped, to copy; the token does not.
    assert "&lt;script&gt;alert(1)&lt;/script&gt; =SUM(A1)" in response.text
    assert "<script>alert(1)" not in response.text
    assert "Unique pupil number" in response.text
    assert "csrfmiddlewaretoken" not in response.text.replace('name="csrfmiddlewaretoken"', "")
    # The way on is the same page of the kept record.
    assert reverse("referrals:person-upn", args=[dup.a.pk]) in response.text
    assert Person.objects.get(pk=dup.b.pk).unique_pupil_number == ""
    assert Person.objects.get(pk=dup.a.pk).unique_pupil_number != typed


def test_a_warning_typed_on_a_tombstone_comes_back_line_by_line(client, manager, dup):
    client.force_login(manager)
    _merge(client, dup.a, dup.b)
    warnings_before = PersonWarning.objects.count()
    response = client.post(
        reverse("referrals:warning-add", args=[dup.b.pk]),
        {"kind": "violence", "evidence": "Police notification\nof 3 March", "review_due": ""},
    )
    assert response.status_code == 409
    assert "Police notification<br>of 3 March" in response.text
    assert "Review due" not in response.text  # left empty: nothing to give back
    assert reverse("referrals:warning-add", args=[dup.a.pk]) in response.text
    assert PersonWarning.objects.count() == warnings_before


def test_screeners_may_not_merge_and_others_are_told_nothing(client, screener, referrer, dup):
    client.force_login(screener)
    assert client.get(_compare(dup.a, dup.b)).status_code == 403
    assert _merge(client, dup.a, dup.b).status_code == 403
    client.force_login(referrer)
    assert _merge(client, dup.a, dup.b).status_code == 404
    assert not PersonMerge.objects.exists()


def test_refused_pairs_say_why_and_merge_nothing(client, manager, dup):
    client.force_login(manager)
    same = client.get(_compare(dup.a, dup.a))
    assert "These are the same record" in same.text
    assert 'name="reason"' not in same.text
    _merge(client, dup.a, dup.a)

    other = Person.objects.create(first_name="Amelia", last_name="Harrison", nhs_number=NHS_OTHER)
    assert "different NHS numbers" in client.get(_compare(other, dup.b)).text
    _merge(client, other, dup.b, keep=other)
    assert not PersonMerge.objects.exists()

    _merge(client, dup.a, dup.b)
    already = client.get(_compare(dup.mother, dup.b))
    assert (
        f"Person record {dup.b.pk} has already been merged into record {dup.a.pk}" in already.text
    )
    _merge(client, dup.mother, dup.b, keep=dup.mother)
    assert PersonMerge.objects.count() == 1


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Enter why these records are the same person"),
        ("Same.", "must be at least 10 characters"),
        ("Same child \x00 confirmed by school", "Null characters are not allowed"),
        ("x" * 10_000, "must be 5,000 characters or fewer"),
    ],
)
def test_a_missing_or_bad_reason_is_refused_with_what_was_typed_kept(
    client, manager, dup, reason, message
):
    client.force_login(manager)
    response = _merge(client, dup.a, dup.b, reason=reason)
    assert response.status_code == 200
    assert message in response.text
    assert "<title>Error: " in response.text
    if reason and "\x00" not in reason:
        assert reason in response.text
    assert not PersonMerge.objects.exists()
    # The page showed both records again: a view of each, audited.
    viewed = AuditEvent.objects.filter(via="referrals:person-merge-compare", actor=manager)
    assert {e.record_id for e in viewed} == {str(dup.a.pk), str(dup.b.pk)}


@pytest.mark.parametrize(
    "reason",
    ["<script>alert('same')</script> school confirmed", "=SUM(A1) the school confirmed it"],
)
def test_hostile_reasons_are_kept_as_text(client, manager, dup, reason):
    client.force_login(manager)
    assert _merge(client, dup.a, dup.b, reason=reason).status_code == 302
    merge = PersonMerge.objects.get()
    assert merge.reason == reason
    page = client.get(reverse("referrals:person-merge", args=[merge.pk])).text
    assert "<script>alert" not in page
    if reason.startswith("<"):
        assert "&lt;script&gt;alert(&#x27;same&#x27;)&lt;/script&gt;" in page
    else:
        assert reason in page


def test_a_merged_record_leaves_the_search(client, manager, dup):
    client.force_login(manager)
    search = reverse("referrals:people-search")
    before = client.post(search, {"name": "Amelia Harrisson"}).text
    assert reverse("referrals:person-detail", args=[dup.b.pk]) in before
    _merge(client, dup.a, dup.b)
    after = client.post(search, {"name": "Amelia Harrisson"}).text
    assert f'href="{reverse("referrals:person-detail", args=[dup.b.pk])}"' not in after
    assert f'href="{reverse("referrals:person-detail", args=[dup.a.pk])}"' in after


def test_the_family_panel_leaves_the_tombstone_out_and_the_history_joins(client, manager, dup):
    client.force_login(manager)
    panel = reverse("screening:contact", args=[dup.contacts[0].reference])
    record = reverse("referrals:person-detail", args=[dup.a.pk])
    b_link = f'href="{reverse("referrals:person-detail", args=[dup.b.pk])}"'
    second = f'href="{reverse("referrals:contact-detail", args=[dup.contacts[1].reference])}"'
    assert b_link in client.get(panel).text  # recorded (wrongly) as the child's sister
    assert second not in client.get(record).text
    _merge(client, dup.a, dup.b)
    assert b_link not in client.get(panel).text
    # The second contact, once B's, is now in A's history.
    assert second in client.get(record).text


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the person record number of the duplicate"),
        ("abc", "Enter the person record number as digits only"),
        ("<script>", "Enter the person record number as digits only"),
        ("=SUM(A1)", "Enter the person record number as digits only"),
        ("9" * 30, "There is no person record with that number"),
        ("987654", "There is no person record 987654: check the number"),
    ],
)
def test_the_duplicates_number_is_checked_with_what_was_typed_kept(
    client, manager, dup, typed, message
):
    client.force_login(manager)
    response = client.get(
        reverse("referrals:person-merge-choose", args=[dup.a.pk]), {"other": typed}
    )
    assert response.status_code == 200
    assert message in response.text
    assert "<script>" not in response.text.split("<main")[1]
    assert f'name="other" type="text" value="{escape(typed)}"' in response.text


def test_a_tombstone_of_a_restricted_record_says_nothing_to_those_not_named(
    client, manager, screener, dup
):
    """The restriction on B moves to A with the merge: B's tombstone keeps B's name and
    where it went, so it is open only to those A's restriction names."""
    client.force_login(manager)
    client.get(_merge(client, dup.a, dup.b)["Location"])  # its message shown
    outsider = UserFactory(roles=[Role.MANAGER])
    other_screener = UserFactory(roles=[Role.SCREENER])
    for user, url in (
        (outsider, reverse("referrals:person-merge-choose", args=[dup.b.pk])),
        (outsider, _compare(dup.b, dup.mother)),
        (outsider, reverse("referrals:person-detail", args=[dup.b.pk])),
        (other_screener, reverse("referrals:person-detail", args=[dup.b.pk])),
        (other_screener, reverse("outcomes:person-chronology", args=[dup.b.pk])),
    ):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Harrisson" not in response.text
        assert "merged" not in response.text.lower()
    # Those it names still follow the tombstone to the kept record.
    client.force_login(screener)
    response = client.get(reverse("referrals:person-detail", args=[dup.b.pk]))
    assert response["Location"] == reverse("referrals:person-detail", args=[dup.a.pk])


def test_the_access_log_of_the_kept_record_keeps_who_looked_at_the_merged_one(
    client, manager, screener, dup
):
    client.force_login(screener)
    client.get(reverse("referrals:person-detail", args=[dup.b.pk]))
    viewed = AuditEvent.objects.filter(
        actor=screener, record_type="person", record_id=str(dup.b.pk)
    ).count()
    assert viewed
    client.force_login(manager)
    done = PersonMerge.objects.get(pk=_merge_id(client, dup.a, dup.b))
    access = client.get(reverse("referrals:person-access", args=[dup.a.pk])).text
    assert access.count(f"Person record {dup.b.pk} (since merged into this one)") >= viewed + 1
    # Undone, the views of B are B's again.
    client.post(
        reverse("referrals:person-merge-undo", args=[done.pk]),
        {"reason": "Twins: the school has two of them."},
    )
    access = client.get(reverse("referrals:person-access", args=[dup.a.pk])).text
    assert f"Person record {dup.b.pk}" not in access


def _merge_id(client, a, b) -> int:
    _merge(client, a, b)
    return PersonMerge.objects.get(kept=a, merged=b).pk


def test_why_records_were_merged_is_shown_only_to_managers_both_records_open_to(
    client, manager, screener, dup
):
    client.force_login(manager)
    done = PersonMerge.objects.get(pk=_merge_id(client, dup.a, dup.b))
    chronology = reverse("outcomes:person-chronology", args=[dup.a.pk])
    assert REASON in client.get(chronology).text
    # A screener named on the restriction sees the merge, not why.
    client.force_login(screener)
    page = client.get(chronology).text
    assert f"Duplicate records merged: record {dup.b.pk} into {dup.a.pk}" in page
    assert REASON not in page
    undo_reason = "Twins: the school has two of them, Amelia and Amelie."
    client.force_login(manager)
    client.post(reverse("referrals:person-merge-undo", args=[done.pk]), {"reason": undo_reason})
    # Undone, B's restriction is B's again: a manager it does not name opens A's
    # chronology and sees both entries, neither reason.
    client.force_login(UserFactory(roles=[Role.MANAGER]))
    page = client.get(chronology).text
    assert "Merge undone" in page
    assert REASON not in page
    assert undo_reason not in page


def test_a_merge_that_cannot_be_undone_yet_says_why_instead_of_offering_the_form(
    client, manager, dup
):
    third = Person.objects.create(
        first_name="Amelia", last_name="Harison", date_of_birth=dup.a.date_of_birth
    )
    first = merge(manager, kept=dup.a, merged=dup.b)
    second = merge(manager, kept=dup.a, merged=third, reason="Same child: a third spelling.")
    client.force_login(manager)

    page = client.get(reverse("referrals:person-merge", args=[first.pk])).text

    assert f"Undo the later merge of record {third.pk} into record {dup.a.pk}" in page
    assert "Undo the merge</button>" not in page
    assert (
        "Undo the merge</button>"
        in client.get(reverse("referrals:person-merge", args=[second.pk])).text
    )
