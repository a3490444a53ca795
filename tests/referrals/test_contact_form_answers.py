"""The contact form's error summary, check-your-answers and deleting a draft, through HTTP."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from referrals.forms import AdultForm, CallerForm, ChildForm, ConcernForm, ReferrerForm
from referrals.models import ReferralDraft
from tests.support.contact_forms import (
    CONCERN,
    child,
    full_referral,
    management,
    phone_call,
    staff_referrer,
)

pytestmark = pytest.mark.django_db

FORM = reverse("referrals:referral-form")


def summary_links(html: str) -> list[tuple[str, str]]:
    """(href, text) of each link in the error summary."""
    body = html.split("govuk-error-summary__list", 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a href="([^"]+)">([^<]+)</a>', body)


def test_an_empty_referral_lists_child_1s_missing_fields(client, referrer):
    client.force_login(referrer)
    assert "Child 1" in client.get(FORM).text
    # What the blank page sends: its radios start with an answer each.
    blank = {**management(), "children-0-sex": "unknown", "children-0-born": "born"}

    response = client.post(FORM, {**blank, "action": "continue"})

    links = summary_links(response.text)
    assert (
        "#id_children-0-first_name",
        "Child 1: Enter a first name, or &#x27;Unknown&#x27; if you do not know it",
    ) in links
    assert (
        "#id_children-0-last_name",
        "Child 1: Enter a last name, or &#x27;Unknown&#x27; if you do not know it",
    ) in links
    assert "Add at least one child" not in response.text
    # The fields say it too, where the summary's links lead.
    assert 'id="id_children-0-first_name-error"' in response.text
    assert 'id="id_children-0-last_name-error"' in response.text


def test_a_post_with_no_child_at_all_still_asks_about_child_1(client, referrer):
    client.force_login(referrer)

    response = client.post(FORM, {"action": "continue"})

    assert response.status_code == 200
    assert "Add at least one child" not in response.text
    assert (
        "#id_children-0-first_name",
        "Child 1: Enter a first name, or &#x27;Unknown&#x27; if you do not know it",
    ) in summary_links(response.text)
    assert 'id="id_children-0-first_name"' in response.text


def test_removing_the_only_child_leaves_an_empty_child_1(client, referrer):
    client.force_login(referrer)
    client.post(FORM, {**full_referral(), **management(1, 1), "action": "remove_children-0"})

    page = client.get(FORM).text

    assert 'id="id_children-0-first_name"' in page
    assert 'value="Amelia"' not in page


def change_link(form_url: str, anchor: str, what: str) -> str:
    return (
        f'href="{form_url}#{anchor}">Change<span class="govuk-visually-hidden"> {what}</span></a>'
    )


def anchor(prefix: str, name: str, form_class) -> str:
    suffix = (
        "_0" if form_class.base_fields[name].widget.__class__.__name__ == "DateInputWidget" else ""
    )
    return f"id_{prefix}-{name}{suffix}"


def test_check_answers_shows_every_answer_each_with_its_own_change_link(client, referrer):
    client.force_login(referrer)
    due = timezone.localdate() + datetime.timedelta(days=60)
    data = full_referral()
    data.update(
        {
            "children-0-other_names": "Millie",
            "children-0-nhs_number": "943 476 5919",
            "children-0-unique_pupil_number": "B801200005001",
            "children-0-address": "1 Station Road\nYork",
            "children-0-child_seen": "yes",
            "children-0-child_seen_on_0": "2",
            "children-0-child_seen_on_1": "11",
            "children-0-child_seen_on_2": "2026",
            "children-0-child_seen_by": "Ms Reed, class teacher",
            "children-0-child_said": "Mum's friend shouts at night.",
            "children-1-born": "unborn",
            "children-1-expected_date_of_birth_0": str(due.day),
            "children-1-expected_date_of_birth_1": str(due.month),
            "children-1-expected_date_of_birth_2": str(due.year),
        }
    )
    assert client.post(FORM, data).status_code == 302

    page = client.get(reverse("referrals:referral-check")).text

    # Seen, so why not is not asked; an unborn child is asked none of the child's voice.
    born_child = set(ChildForm.base_fields) - {"expected_date_of_birth", "child_not_seen_reason"}
    for name in born_child:
        assert f'href="{FORM}#{anchor("children-0", name, ChildForm)}"' in page, name
    unborn_child = {name for name in ChildForm.base_fields if not name.startswith("child_")} - {
        "date_of_birth"
    }
    for name in unborn_child:
        assert f'href="{FORM}#{anchor("children-1", name, ChildForm)}"' in page, name
    for name in AdultForm.base_fields:
        assert f'href="{FORM}#{anchor("adults-0", name, AdultForm)}"' in page, name
    for name in set(ConcernForm.base_fields) - {"family_not_told_reason"}:
        assert f'href="{FORM}#id_concern-{name}"' in page, name
    # Named for a screen reader: whose answer, and which.
    assert (
        change_link(FORM, "id_children-0-date_of_birth_0", "Child 1&#x27;s date of birth") in page
    )
    assert change_link(FORM, "id_children-0-sex", "Child 1&#x27;s sex") in page
    assert change_link(FORM, "id_children-1-sex", "Child 2&#x27;s sex") in page
    assert change_link(FORM, "id_adults-0-role", "who Adult 1 is") in page
    # The answers themselves, the sex among them.
    assert re.search(r">Sex</dt>\s*<dd[^>]*>\s*Female\s*</dd>", page)
    assert re.search(r">Sex</dt>\s*<dd[^>]*>\s*Male\s*</dd>", page)
    assert "Millie" in page
    assert "B801200005001" in page
    assert "1 Station Road<br>York" in page
    assert "No, this is an unborn child" in page
    assert "Mum&#x27;s friend shouts at night." in page


def test_staff_and_phone_check_answers_show_every_referrer_answer(client, screener):
    from frontdoor.models import ReferralSource

    client.force_login(screener)
    source = str(ReferralSource.objects.get(code="1B").pk)
    staff = reverse("referrals:staff-form")
    data = {
        **management(),
        **child(0),
        **CONCERN,
        **staff_referrer(**{"referrer-referral_source": source}),
        "action": "continue",
    }
    assert client.post(staff, data).status_code == 302
    page = client.get(reverse("referrals:staff-check")).text
    for name in ReferrerForm.base_fields:
        assert f'href="{staff}#id_referrer-{name}"' in page, name

    phone = reverse("referrals:phone-form")
    assert client.post(phone, phone_call("advice_only")).status_code == 302
    page = client.get(reverse("referrals:phone-check")).text
    for name in CallerForm.base_fields:
        assert f'href="{phone}#id_referrer-{name}"' in page, name
    assert "Discuss an early help assessment with the family." in page


DISCARD = reverse("referrals:referral-discard")


def delete_url() -> str:
    return reverse("referrals:referral-delete")


def test_deleting_a_draft_is_asked_on_a_page_of_its_own(client, referrer):
    client.force_login(referrer)
    client.post(FORM, {**full_referral(), "action": "save"})

    form = client.get(FORM).text
    # A link away from Continue, not a button in the form's own row of buttons.
    assert f'href="{delete_url()}"' in form
    assert "Delete these answers</button>" not in form
    assert form.index(f'href="{delete_url()}"') > form.index("Save and come back later")

    confirm = client.get(delete_url())
    assert confirm.status_code == 200
    assert "Are you sure you want to delete this referral draft?" in confirm.text
    assert re.search(
        r'class="govuk-button govuk-button--warning"[^>]*>\s*Yes, delete it', confirm.text
    )
    assert f'<form method="post" action="{DISCARD}"' in confirm.text
    assert f'href="{FORM}">No, go back</a>' in confirm.text
    assert ReferralDraft.objects.filter(owner=referrer).exists()

    deleted = client.post(DISCARD)
    assert deleted.status_code == 302
    assert not ReferralDraft.objects.filter(owner=referrer).exists()


def test_nothing_to_delete_goes_back_to_the_form(client, referrer):
    client.force_login(referrer)
    assert f'href="{delete_url()}"' not in client.get(FORM).text
    response = client.get(delete_url())
    assert response.status_code == 302
    assert response.url == FORM


def test_deleting_needs_a_post_with_the_forms_csrf_token(referrer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(referrer)
    page = client.get(FORM)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    client.post(FORM, {**full_referral(), "action": "save", "csrfmiddlewaretoken": token})

    assert client.get(DISCARD).status_code == 405
    assert client.post(DISCARD).status_code == 403
    assert ReferralDraft.objects.filter(owner=referrer).exists()
    assert client.post(DISCARD, {"csrfmiddlewaretoken": token}).status_code == 302
    assert not ReferralDraft.objects.filter(owner=referrer).exists()


def test_staff_journeys_ask_about_their_own_draft(client, screener):
    client.force_login(screener)
    client.post(reverse("referrals:phone-form"), {**management(), "action": "save"})
    confirm = client.get(reverse("referrals:phone-delete"))
    assert "Are you sure you want to delete this phone consultation draft?" in confirm.text
    assert f'action="{reverse("referrals:phone-discard")}"' in confirm.text
