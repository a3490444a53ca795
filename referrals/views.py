"""HTML views for contacts and their subjects (people: views_people; restrictions:
views_restrictions; deleting a draft: views_draft).

Validate, call a service or selector, render. The contact form serves three
journeys with one page: a partner professional's referral, a contact recorded by
staff for someone else (contact centre, email, police notification), and a phone
consultation. Every POST to it is saved as a draft first, so nothing typed is lost
to a validation error, a closed tab or a session timeout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from frontdoor import malware
from frontdoor.audit import audit_views
from frontdoor.limits import LIMITS
from frontdoor.record_numbers import record_number
from frontdoor.roles import Permission
from referrals import forms, selectors, services
from referrals.answers import check_answers, field_anchor
from referrals.forms_documents import ReferralFileForm
from referrals.forms_referrer import YourDetailsForm
from referrals.forms_search import ReceivedBetweenForm
from referrals.models import Contact, Document, MatchCandidate
from referrals.selectors_documents import documents_for
from referrals.selectors_referrer import referrer_details
from referrals.views_documents import attached_message


@dataclass(frozen=True)
class Journey:
    kind: str
    permission: Permission
    title: str
    caption: str
    form_url: str
    check_url: str
    referrer_form: type[forms.ReferrerForm] | None
    submit_label: str
    draft_noun: str

    @property
    def delete_url(self) -> str:
        return f"referrals:{self.kind}-delete"

    @property
    def discard_url(self) -> str:
        return f"referrals:{self.kind}-discard"


JOURNEYS = {
    "referral": Journey(
        kind="referral",
        permission=Permission.SUBMIT_REFERRALS,
        title="Refer a concern about a child",
        caption="Multi-agency referral",
        form_url="referrals:referral-form",
        check_url="referrals:referral-check",
        referrer_form=None,
        submit_label="Send referral",
        draft_noun="referral",
    ),
    "staff": Journey(
        kind="staff",
        permission=Permission.SCREEN_CONTACTS,
        title="Record a contact",
        caption="Contact from the public, email or police",
        form_url="referrals:staff-form",
        check_url="referrals:staff-check",
        referrer_form=forms.ReferrerForm,
        submit_label="Record contact",
        draft_noun="contact",
    ),
    "phone": Journey(
        kind="phone",
        permission=Permission.SCREEN_CONTACTS,
        title="Record a phone consultation",
        caption="Advice and duty",
        form_url="referrals:phone-form",
        check_url="referrals:phone-check",
        referrer_form=forms.CallerForm,
        submit_label="Record consultation",
        draft_noun="phone consultation",
    ),
    # The emergency duty team, out of hours (docs/adr/0044): a contact as staff record
    # one, marked out of hours, then handed over to the day team.
    "edt": Journey(
        kind="edt",
        permission=Permission.RECORD_OUT_OF_HOURS,
        title="Record a contact out of hours",
        caption="Emergency duty team",
        form_url="referrals:edt-form",
        check_url="referrals:edt-check",
        referrer_form=forms.ReferrerForm,
        submit_label="Record contact",
        draft_noun="contact",
    ),
}


# The journeys whose check page takes a file with the contact.
FILE_JOURNEYS = ("referral", "staff")


def journey_for(request: HttpRequest, kind: str) -> Journey:
    journey = JOURNEYS[kind]
    if not request.user.has_perm(journey.permission.perm):
        raise PermissionDenied
    return journey


def _draft_querydict(data: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, values in _counts_repaired(data).items():
        query.setlist(key, values)
    return query


def _most(prefix: str) -> int:
    return LIMITS.children_per_contact if prefix == "children" else LIMITS.adults_per_contact


def _management(prefix: str, total: int) -> dict[str, list[str]]:
    return {
        f"{prefix}-TOTAL_FORMS": [str(total)],
        f"{prefix}-INITIAL_FORMS": ["0"],
        f"{prefix}-MIN_NUM_FORMS": ["0"],
        f"{prefix}-MAX_NUM_FORMS": [str(_most(prefix))],
    }


def _new_person_defaults(prefix: str, index: int) -> dict[str, list[str]]:
    """Answers a new child or adult starts with, so its radios show a choice."""
    defaults = {f"{prefix}-{index}-sex": ["unknown"]}
    if prefix == "children":
        defaults[f"{prefix}-{index}-born"] = ["born"]
    return defaults


EMPTY_DRAFT = {
    **_management("children", 1),
    **_management("adults", 0),
    **_new_person_defaults("children", 0),
}


def _bind(journey: Journey, data: QueryDict, user):
    children = forms.ChildFormSet(data, prefix="children")
    adults = forms.AdultFormSet(data, prefix="adults")
    concern = forms.ConcernForm(data, prefix="concern")
    if journey.referrer_form:
        referrer = journey.referrer_form(data, prefix="referrer")
    elif journey.kind == "referral" and YourDetailsForm.asks(user):
        # A referring professional is asked only what their account lacks.
        referrer = YourDetailsForm(data, prefix="referrer", account=user)
    else:
        referrer = None
    return children, adults, concern, referrer


def _all_valid(children, adults, concern, referrer) -> bool:
    results = [children.is_valid(), adults.is_valid(), concern.is_valid()]
    if referrer is not None:
        results.append(referrer.is_valid())
    return all(results)


def _error_summary(children, adults, concern, referrer) -> list[tuple[str, str]]:
    """(message, anchor) for every error, in page order, each naming whose it is."""
    summary = []
    sections = []
    if referrer is not None:
        sections.append(("", referrer))
    sections += [(f"Child {i + 1}: ", form) for i, form in enumerate(children.forms)]
    sections += [(f"Adult {i + 1}: ", form) for i, form in enumerate(adults.forms)]
    sections.append(("", concern))
    for label, form in sections:
        for field in form:
            for error in field.errors:
                summary.append((f"{label}{error}", field_anchor(field)))
    for formset, anchor in ((children, "children"), (adults, "adults")):
        summary += [(error, anchor) for error in formset.non_form_errors()]
    return summary


def _form_count(data: dict, prefix: str) -> int:
    """How many entries a formset holds. A damaged or missing count (TOTAL_FORMS=abc
    was a 500) is worked out from the entries' own field names, so every answer typed
    is still shown; at most one past the limit, so the formset itself says so. Never
    fewer than one child: Child 1 stays on the page to say what it is missing."""
    least = 1 if prefix == "children" else 0
    total = (data.get(f"{prefix}-TOTAL_FORMS") or [""])[0]
    if total.isascii() and total.isdigit() and len(total) <= 3:
        return max(min(int(total), _most(prefix) + 1), least)
    pattern = re.compile(rf"^{prefix}-(\d{{1,3}})-")
    indexes = [int(match.group(1)) for key in data if (match := pattern.match(key))]
    return max(min(max(indexes, default=-1) + 1, _most(prefix) + 1), least)


def _counts_repaired(data: dict) -> dict:
    """The formsets' management fields rewritten from what is there: the page never
    needs them from the browser, and a damaged one would hide every child typed."""
    repaired = dict(data)
    for prefix in ("children", "adults"):
        repaired.update(_management(prefix, _form_count(data, prefix)))
    return repaired


def _shift(data: dict, prefix: str, removed: int) -> dict:
    """The draft without entry ``removed`` of a formset, later entries moved up."""
    pattern = re.compile(rf"^{prefix}-(\d+)-(.+)$")
    shifted = {}
    for key, values in data.items():
        match = pattern.match(key)
        if not match:
            shifted[key] = values
            continue
        index, name = int(match.group(1)), match.group(2)
        if index == removed:
            continue
        shifted[f"{prefix}-{index - 1 if index > removed else index}-{name}"] = values
    shifted.update(_management(prefix, max(_form_count(data, prefix) - 1, 0)))
    return shifted


@require_http_methods(["GET", "POST"])
def contact_form(request: HttpRequest, kind: str) -> HttpResponse:
    journey = journey_for(request, kind)
    if request.method == "GET":
        draft = selectors.draft_get(owner=request.user, kind=kind)
        return _render_form(
            request, journey, _draft_querydict(draft or EMPTY_DRAFT), has_draft=bool(draft)
        )

    data = {k: v for k, v in request.POST.lists() if k not in ("csrfmiddlewaretoken", "action")}
    action = request.POST.get("action", "continue")
    if action in ("add_child", "add_adult"):
        prefix = "children" if action == "add_child" else "adults"
        total = _form_count(data, prefix)
        data.update(_management(prefix, min(total + 1, _most(prefix))))
        data.update(_new_person_defaults(prefix, total))
        services.draft_save(owner=request.user, kind=kind, data=data)
        return redirect(f"{reverse(journey.form_url)}#{prefix}-{total}")
    removal = re.fullmatch(r"remove_(children|adults)-(\d+)", action)
    if removal:
        data = _shift(data, removal.group(1), int(removal.group(2)))
        services.draft_save(owner=request.user, kind=kind, data=data)
        messages.info(request, "Removed. The rest of your answers are kept.")
        return redirect(f"{reverse(journey.form_url)}#{removal.group(1)}")
    services.draft_save(owner=request.user, kind=kind, data=data)
    if action == "save":
        messages.success(
            request, "Your answers are saved. You can come back to finish this at any time."
        )
        return redirect(journey.form_url)
    bound = _bind(journey, _draft_querydict(data), request.user)
    if _all_valid(*bound):
        return redirect(journey.check_url)
    return _render_form(request, journey, _draft_querydict(data), show_errors=True, bound=bound)


def _render_form(
    request, journey, data, *, show_errors=False, has_draft=True, bound=None
) -> HttpResponse:
    children, adults, concern, referrer = bound or _bind(journey, data, request.user)
    summary = _error_summary(children, adults, concern, referrer) if show_errors else []
    return render(
        request,
        "referrals/contact_form.html",
        {
            "journey": journey,
            "children_formset": children,
            "adults_formset": adults,
            "concern_form": concern,
            "referrer_form": referrer,
            "show_errors": show_errors,
            "error_summary": summary,
            "has_draft": has_draft,
        },
        status=200,
    )


@require_http_methods(["GET", "POST"])
def contact_check(request: HttpRequest, kind: str) -> HttpResponse:
    journey = journey_for(request, kind)
    draft = selectors.draft_get(owner=request.user, kind=kind)
    if not draft:
        return redirect(journey.form_url)
    bound = _bind(journey, _draft_querydict(draft), request.user)
    if not _all_valid(*bound):
        return _render_form(
            request, journey, _draft_querydict(draft), show_errors=True, bound=bound
        )
    children, adults, concern, referrer = bound
    # A referrer, or staff recording a contact for someone, may send one file with it
    # (more from the contact's pages after): checked and scanned first, so a refused file
    # sends nothing and keeps every answer. A phone consultation that is advice only
    # takes none; one that becomes a contact for screening does.
    takes_file = kind in FILE_JOURNEYS or (
        kind == "phone" and referrer.cleaned_data.get("outcome") == "screening"
    )
    file_form = ReferralFileForm() if takes_file else None
    upload = None
    if request.method == "POST":
        if file_form is not None:
            file_form = ReferralFileForm(request.POST, request.FILES)
            if file_form.is_valid():
                upload = file_form.upload()
            if upload is not None:
                upload, refusal = services.document_check_before_sending(
                    actor=request.user, upload=upload
                )
                if refusal:
                    file_form.add_refusal(refusal.field, refusal.message)
            if file_form.errors:
                return _render_check(request, journey, bound, file_form)
        data = forms.contact_input_from_forms(
            children=children, adults=adults, concern=concern, referrer=referrer
        )
        if kind == "referral":
            channel, referrer_account = Contact.Channel.ONLINE_FORM, request.user
        elif kind == "phone":
            channel, referrer_account = Contact.Channel.PHONE_CONSULTATION, None
        else:
            channel, referrer_account = referrer.cleaned_data["channel"], None
        if kind == "edt":
            data = replace(data, out_of_hours=True)
        contact, _ = services.contact_submit(
            actor=request.user, data=data, channel=channel, referrer_account=referrer_account
        )
        services.draft_discard(owner=request.user, kind=kind)
        if upload is not None:
            _attach_sent(request, contact, upload)
        if kind == "edt":  # what the EDT did, for the day team, next
            return redirect("screening:edt-handover", reference=contact.reference)
        return redirect("referrals:contact-sent", reference=contact.reference)
    return _render_check(request, journey, bound, file_form)


def _render_check(request, journey, bound, file_form) -> HttpResponse:
    children, adults, concern, referrer = bound
    answers = check_answers(
        children=children, adults=adults, concern=concern, referrer=referrer, kind=journey.kind
    )
    refused = file_form is not None and bool(file_form.errors)
    return render(
        request,
        "referrals/contact_check.html",
        {
            "journey": journey,
            "answers": answers,
            "form": file_form,
            "show_errors": refused,
            "scanner": malware.scanner_state() if file_form is not None else None,
        },
        status=400 if refused else 200,
    )


def _attach_sent(request, contact: Contact, upload) -> None:
    """The referral's file, on the contact just sent; it passed the same checks moments
    ago, so a refusal now (clamd's database updated in between) is said, not hidden."""
    try:
        document = services.document_attach(
            actor=request.user, contact=contact, upload=upload, via=Document.Via.REFERRAL
        )
    except services.DocumentRefused as refused:
        messages.error(request, f"{_sent_words(contact)}, without its file. {refused.message}")
    else:
        messages.success(request, attached_message(document))


def _sent_words(contact: Contact) -> str:
    if contact.channel == Contact.Channel.ONLINE_FORM:
        return "Your referral was sent"
    return "The contact was recorded"


def contact_sent(request: HttpRequest, reference: str) -> HttpResponse:
    contact = selectors.contact_get(user=request.user, reference=reference)
    audit_views(actor=request.user, record_type="contact", record_ids=[reference], request=request)
    return render(request, "referrals/contact_sent.html", {"contact": contact})


def contact_list(request: HttpRequest) -> HttpResponse:
    """Every recent contact, for screening staff."""
    if not (selectors.can_refer(request.user) or selectors.can_screen(request.user)):
        raise PermissionDenied
    if not selectors.can_screen(request.user):
        # A referrer has one list of their referrals, with what became of each: the
        # outcomes app's. This address, which they used to have, leads there.
        query = f"?{request.GET.urlencode()}" if request.GET else ""
        return redirect(reverse("outcomes:my-referrals") + query)
    between = ReceivedBetweenForm(request.GET)
    days = between.cleaned_data if between.is_valid() else {}
    if between.errors:
        messages.error(request, "Those days could not be read: every contact is listed.")
    first, last = days.get("received_from"), days.get("received_to")
    contacts = selectors.contacts_received(user=request.user, first=first, last=last)
    page = Paginator(contacts.prefetch_related("subjects"), 25).get_page(request.GET.get("page"))
    audit_views(
        actor=request.user,
        record_type="contact",
        record_ids=[contact.reference for contact in page.object_list],
        request=request,
    )
    return render(
        request,
        "referrals/contact_list.html",
        {
            "page": page,
            "first": first,
            "last": last,
            "query": urlencode({k: v.isoformat() for k, v in days.items() if v}),
        },
    )


def contact_detail(request: HttpRequest, reference: str) -> HttpResponse:
    contact = selectors.contact_get(user=request.user, reference=reference)
    is_screener = selectors.can_screen(request.user)
    histories = {}
    if is_screener:
        for subject in contact.subjects.all():
            if subject.person_id:
                histories[subject.pk] = selectors.person_history(
                    user=request.user, person=subject.person, before=contact
                )
    # Likely matches whose person record is restricted to others show whom to ask only.
    barred = (
        selectors.restrictions_barring_people(
            user=request.user,
            person_ids={
                candidate.person_id
                for subject in contact.subjects.all()
                for candidate in subject.match_candidates.all()
            },
        )
        if is_screener
        else {}
    )
    audit_views(actor=request.user, record_type="contact", record_ids=[reference], request=request)
    audit_views(
        actor=request.user,
        record_type="person",
        record_ids=[s.person_id for s in contact.subjects.all() if s.person_id and is_screener],
        request=request,
    )
    return render(
        request,
        "referrals/contact_detail.html",
        {
            "contact": contact,
            "is_screener": is_screener,
            "histories": histories,
            "barred": barred,
            "referrer": referrer_details(contact),
            "own_view": contact.referrer_id == request.user.pk and not is_screener,
            "documents": documents_for(user=request.user, contact=contact),
        },
    )


@require_POST
def subject_match(request: HttpRequest, reference: str, subject_id: int) -> HttpResponse:
    if not selectors.can_screen(request.user):
        raise PermissionDenied
    subject = selectors.subject_get(user=request.user, reference=reference, subject_id=subject_id)
    choice = request.POST.get("candidate", "")
    try:
        if choice == "none":
            services.match_reject_all(actor=request.user, subject=subject)
            messages.success(request, f"A new person record was started for {subject.full_name}.")
        else:
            candidate = get_object_or_404(
                MatchCandidate, pk=record_number(choice) or 0, subject=subject
            )
            selectors.person_ensure_open(user=request.user, person=candidate.person)
            services.match_confirm(actor=request.user, candidate=candidate)
            messages.success(request, f"{subject.full_name} is linked to the person record.")
    except services.ContactRejected as rejected:
        messages.error(request, str(rejected))
    return redirect(f"{reverse('referrals:contact-detail', args=[reference])}#subject-{subject.pk}")
