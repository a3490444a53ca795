"""Every URL the app serves, and the answer each role (and the signed-out) gets to GET and
POST: the table tests/test_every_url_by_role.py checks, and the browser and page walks
(axe, navigation, Python values on pages) follow.

Record ids in the URLs belong to referrer A, so referrer B asking for them is the
"another referrer's ids" case and must get 404, as must a partner-agency member
asking for a check addressed to another agency.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

from tests.support.url_args import ARGS, url_for  # noqa: F401  (the walks import them from here)
from tests.support.url_world import ANON, REFERRER_B, WHO, url_world  # noqa: F401  (as above)

# Shorthands for a row: the answer each caller gets. "in" = sent to sign in.
IN = 302


def row(default: int, **by_role: int) -> dict[str, int]:
    answers = dict.fromkeys(WHO, default)
    answers[ANON] = IN
    answers.update(by_role)
    return answers


M, S, PAM, PV = "manager", "screener", "partner_agency_member", "performance_viewer"
EDT = "edt"
REF, CS, ADM = "referrer", "case_system", "administrator"
LADO = "lado"


def only(status_for_others: int, allowed: dict[str, int], anon: int = IN) -> dict[str, int]:
    answers = dict.fromkeys(WHO, status_for_others)
    answers[ANON] = anon
    answers.update(allowed)
    return answers


def everyone(status: int, anon: int = IN) -> dict[str, int]:
    return only(status, {}, anon)


STAFF = {S: 200, M: 200}
STAFF_REDIRECT = {S: 302, M: 302}
POST_ONLY = everyone(405)
# Screening a contact of referrer A: staff only; everyone else is told it does not exist.
SCREENING_POST = only(404, STAFF_REDIRECT)
SCORECARD = only(403, {M: 200, PAM: 200, PV: 200})

# name: (answers to GET, answers to POST or None where the URL takes no POST)
EXPECTED: dict[str, tuple[dict[str, int], dict[str, int] | None]] = {
    "home": (everyone(200), None),
    "sign-in": (only(302, {}, anon=200), only(302, {}, anon=200)),
    "sign-out": (everyone(405, anon=405), everyone(302)),
    "signed-out": (everyone(200, anon=200), None),
    "keep-alive": (POST_ONLY | {ANON: IN}, everyone(204)),
    "session-timed-out": (everyone(405, anon=405), everyone(302, anon=302)),
    # Everyone here has already given a code (tests/test_two_factor.py covers the steps).
    "two-factor-setup": (everyone(200), everyone(200)),
    "two-factor-verify": (everyone(200), everyone(200)),
    # Anyone keeps their own phone number; an empty form removes it.
    "account-phone": (everyone(200), everyone(302)),
    # How one's alerts are emailed (an empty form is the page with its error), and
    # marking alerts seen: one's own only (the world's alert is the member's).
    "alerts:preferences": (everyone(200), everyone(400)),
    "alerts:seen-all": (POST_ONLY, everyone(302)),
    "alerts:seen": (POST_ONLY, only(404, {PAM: 302})),
    "admin:index": (only(302, {ADM: 200}), None),
    # A referrer's list of their referrals is outcomes:my-referrals; this leads there.
    "referrals:contact-list": (only(403, {**STAFF, REF: 302, REFERRER_B: 302}), None),
    "referrals:referral-form": (
        only(403, {REF: 200, REFERRER_B: 200}),
        only(403, {REF: 200, REFERRER_B: 200}),
    ),
    "referrals:referral-check": (
        only(403, {REF: 302, REFERRER_B: 302}),
        only(403, {REF: 302, REFERRER_B: 302}),
    ),
    # Asks before deleting a draft (GET only); with no draft, back to the form.
    "referrals:referral-delete": (only(403, {REF: 302, REFERRER_B: 302}), POST_ONLY),
    "referrals:referral-discard": (POST_ONLY, only(403, {REF: 302, REFERRER_B: 302})),
    "referrals:staff-form": (only(403, STAFF), only(403, STAFF)),
    "referrals:staff-check": (only(403, STAFF_REDIRECT), only(403, STAFF_REDIRECT)),
    "referrals:staff-delete": (only(403, STAFF_REDIRECT), POST_ONLY),
    "referrals:staff-discard": (POST_ONLY, only(403, STAFF_REDIRECT)),
    # The emergency duty team's own contact form (docs/adr/0044); only the EDT.
    "referrals:edt-form": (only(403, {EDT: 200}), only(403, {EDT: 200})),
    "referrals:edt-check": (only(403, {EDT: 302}), only(403, {EDT: 302})),
    "referrals:edt-delete": (only(403, {EDT: 302}), POST_ONLY),
    "referrals:edt-discard": (POST_ONLY, only(403, {EDT: 302})),
    "referrals:phone-form": (only(403, STAFF), only(403, STAFF)),
    "referrals:phone-check": (only(403, STAFF_REDIRECT), only(403, STAFF_REDIRECT)),
    "referrals:phone-delete": (only(403, STAFF_REDIRECT), POST_ONLY),
    "referrals:phone-discard": (POST_ONLY, only(403, STAFF_REDIRECT)),
    # Police notifications (docs/adr/0037): police staff who screen or answer checks. In
    # this world every account's agency is a police force, so screeners and managers may
    # too; an empty form (or no file) is the page again with its errors.
    "referrals:police-form": (
        only(403, {**STAFF, PAM: 200}),
        only(403, {S: 400, M: 400, PAM: 400}),
    ),
    "referrals:police-import": (
        only(403, {**STAFF, PAM: 200}),
        only(403, {S: 400, M: 400, PAM: 400}),
    ),
    # The screener's upload: its report is theirs alone (others who may import: 404).
    "referrals:police-import-job": (only(403, {S: 200, M: 404, PAM: 404}), None),
    "referrals:police-import-check": (POST_ONLY, only(403, {S: 302, M: 404, PAM: 404})),
    # Referrer A's contact: referrer B, like anyone else without a reason, gets 404.
    "referrals:contact-sent": (only(404, {**STAFF, REF: 200}), None),
    "referrals:contact-detail": (only(404, {**STAFF, REF: 200}), None),
    # The EDT's own work, and the handover of the contact the EDT recorded: the EDT
    # member who recorded it only (the day team reads it on the contact's page); an
    # empty handover form is the page again with its error.
    "screening:edt-work": (only(403, {EDT: 200}), None),
    "screening:edt-handover": (only(404, {EDT: 200}), only(404, {EDT: 400})),
    # Files on a contact: staff and the referrer who sent it; an empty form is 400.
    "referrals:document-add": (
        only(404, {**STAFF, REF: 200}),
        only(404, {S: 400, M: 400, REF: 400}),
    ),
    # The world's file was attached by referrer A: theirs and the staff's to download.
    "referrals:document-download": (only(404, {**STAFF, REF: 200}), everyone(405)),
    "referrals:subject-match": (POST_ONLY, only(403, {S: 404, M: 404})),
    # The one search of people and contacts; a POST with nothing typed is answered
    # with the form and its error (tests/referrals/test_search.py).
    "referrals:people-search": (only(403, STAFF), only(403, STAFF)),
    # Two people ticked in the results, sent on to the merge comparison: managers; an
    # empty POST is the search page again with its error (tests/referrals/
    # test_merge_from_search.py).
    "referrals:people-search-compare": (POST_ONLY, only(403, {M: 200})),
    "referrals:person-detail": (only(404, STAFF), None),
    # Who looked at a child's record: managers; screeners are told it is not there.
    # A POST with nothing typed re-shows the person page with the error.
    "referrals:person-upn": (POST_ONLY, only(404, STAFF)),
    "referrals:person-access": (only(404, {M: 200}), None),
    "referrals:person-restrict": (only(404, {M: 200, S: 403}), only(404, {M: 200, S: 403})),
    "referrals:contact-restrict": (
        only(404, {M: 200, S: 403, REF: 403}),
        only(404, {M: 200, S: 403, REF: 403}),
    ),
    "referrals:restrictions": (only(403, {M: 200}), None),
    # Warnings on a person: screeners and managers; an empty POST re-shows the form.
    # Merging duplicate person records: managers; screeners are refused; an empty form
    # is the page again with its errors.
    "referrals:person-merge-choose": (only(404, {M: 200, S: 403}), POST_ONLY),
    "referrals:person-merge-compare": (only(404, {M: 200, S: 403}), only(404, {M: 200, S: 403})),
    "referrals:person-merge": (only(404, {M: 200, S: 403}), POST_ONLY),
    "referrals:person-merge-undo": (POST_ONLY, only(404, {M: 200, S: 403})),
    "referrals:warning-add": (only(404, STAFF), only(404, STAFF)),
    "referrals:warning-review": (only(404, STAFF), only(404, STAFF)),
    "referrals:warning-end": (only(404, STAFF), only(404, STAFF)),
    "screening:queue": (only(403, STAFF), None),
    # What changed on a page of the queue, polled by htmx (docs/adr/0041).
    "screening:queue-updates": (only(403, STAFF), None),
    # Bulk triage of standard-risk police notifications; nothing ticked is a 400.
    "screening:police-triage": (only(403, STAFF), only(403, {S: 400, M: 400})),
    "screening:claim-next": (POST_ONLY, only(403, STAFF_REDIRECT)),
    "screening:approvals": (only(403, {M: 200}), None),
    "screening:approval": (only(403, {M: 200}), only(403, {M: 200})),
    # A check without consent held for a manager: an empty form is the page with its error.
    "screening:check-approval": (only(403, {M: 200}), only(403, {M: 400})),
    "screening:member-checks": (only(403, {PAM: 200}), None),
    # A file the screener shared on the check: its agency's member only.
    "screening:member-check-document": (only(403, {PAM: 200}), everyone(405)),
    "screening:member-check": (only(403, {PAM: 200}), only(403, {PAM: 200})),
    "screening:meetings": (only(403, {**STAFF, PAM: 200}), None),
    "screening:meeting": (only(403, {**STAFF, PAM: 200}), None),
    "screening:meeting-print": (only(403, {**STAFF, PAM: 200}), None),
    "screening:meeting-attendance": (POST_ONLY, only(403, {M: 302})),
    # The chair's pages for a case's outcome and actions; an empty form is the page
    # with its errors. An action is marked done by its owner (the screener) or a manager.
    "screening:meeting-outcome": (
        only(404, {M: 200, S: 403, PAM: 403}),
        only(404, {M: 400, S: 403, PAM: 403}),
    ),
    "screening:meeting-action-add": (
        only(404, {M: 200, S: 403, PAM: 403}),
        only(404, {M: 400, S: 403, PAM: 403}),
    ),
    "screening:meeting-action-done": (POST_ONLY, only(404, {M: 302, S: 302})),
    "screening:meeting-guest-add": (only(403, {M: 200}), only(403, {M: 400})),
    "screening:meeting-contribution": (POST_ONLY, only(404, {M: 302, S: 302, PAM: 302})),
    # Decision quality audits (docs/adr/0043): managers; the audit is given to the
    # walk's manager, so an empty grading is the page with its errors. The graded one's
    # feedback is its decider's (the screener) only. The rubric is the managers' and
    # administrators'; an empty form is the page with its errors.
    "screening:audits": (only(403, {M: 200}), None),
    "screening:audits-draw": (POST_ONLY, only(403, {M: 400})),
    "screening:audit": (only(403, {M: 200}), only(403, {M: 400})),
    "screening:audit-move": (POST_ONLY, only(403, {M: 400})),
    "screening:audit-feedback": (only(404, {S: 200}), only(404, {S: 302})),
    "screening:audit-rubric": (only(403, {M: 200, ADM: 200}), only(403, {M: 400, ADM: 400})),
    "screening:audit-criterion": (only(403, {M: 200, ADM: 200}), only(403, {M: 400, ADM: 400})),
    # The weekly joint review and its CSV: managers.
    "screening:joint-review": (only(403, {M: 200}), None),
    "screening:joint-review-csv": (only(403, {M: 200}), None),
    "screening:contact": (only(404, STAFF), None),
    # Specialist pathways (docs/adr/0046): the index for anyone handling one; the
    # world's pathway is a LADO allegation, for the LADO role and managers only (its
    # record restricted to them; screeners are told it does not exist). An empty form
    # is the page again with its errors.
    "screening:pathway-index": (only(403, {**STAFF, LADO: 200}), None),
    "screening:pathways": (only(403, {M: 200, LADO: 200}), None),
    "screening:pathway-new": (only(403, {M: 200, LADO: 200}), only(403, {M: 400, LADO: 400})),
    "screening:pathway": (only(404, {M: 200, LADO: 200}), None),
    "screening:pathway-outcome": (POST_ONLY, only(404, {M: 400, LADO: 400})),
    "screening:claim": (POST_ONLY, SCREENING_POST),
    "screening:release": (POST_ONLY, SCREENING_POST),
    "screening:reassign": (POST_ONLY, only(403, {M: 404})),
    "screening:signs-of-safety": (POST_ONLY, SCREENING_POST),
    # An empty form is answered with the page and its errors.
    "screening:request-check": (POST_ONLY, only(404, STAFF)),
    "screening:proceed": (POST_ONLY, only(404, STAFF)),
    "screening:decide": (POST_ONLY, only(404, STAFF)),
    # Withdrawing a contact: its own page; an empty form is the page with its errors.
    "screening:withdraw": (only(404, STAFF), only(404, {S: 400, M: 400})),
    # The contact log: screening staff only; an empty form is the page with its errors.
    "screening:log-add": (POST_ONLY, only(404, {S: 400, M: 400})),
    "screening:log-correct": (only(404, STAFF), only(404, {S: 400, M: 400})),
    # The family's postal address for letters; an empty form is the page with its errors.
    "screening:family-address": (only(404, STAFF), only(404, {S: 400, M: 400})),
    "screening:document-add": (POST_ONLY, only(404, {S: 400, M: 400})),
    # An empty form is a child whose ethnicity and disabilities are not yet known.
    "screening:child-census": (only(404, STAFF), SCREENING_POST),
    # A person's chronology and its PDF: who may open the person record (person_get).
    "outcomes:person-chronology": (only(404, STAFF), None),
    "outcomes:person-chronology-pdf": (only(404, STAFF), None),
    # The family panel's forms: an empty one is the page again with its error. Each
    # relationship has its page; a family member's earlier contacts are one too.
    "screening:relationship": (only(404, STAFF), only(404, {S: 400, M: 400})),
    "screening:relationship-add": (POST_ONLY, only(404, {S: 400, M: 400})),
    "screening:family-member-history": (only(404, STAFF), None),
    "outcomes:my-referrals": (only(403, {REF: 200, REFERRER_B: 200}), None),
    "outcomes:my-referral": (only(404, {REF: 200}), None),
    # Only the referrer who sent it may ask for it to be withdrawn; an empty form is 400.
    "outcomes:my-referral-withdraw": (only(404, {REF: 200}), only(404, {REF: 400})),
    "outcomes:contact-notices": (only(403, STAFF), None),
    "outcomes:contact-outcomes": (only(403, {**STAFF, CS: 404}), only(403, {**STAFF, CS: 404})),
    # An empty upload is answered with the page and its error.
    "outcomes:import": (only(403, {**STAFF, CS: 200}), only(403, {S: 400, M: 400, CS: 400})),
    # An upload is seen by the person who uploaded it (the screener here) only.
    "outcomes:import-job": (only(403, {S: 200, M: 404, CS: 404}), None),
    "outcomes:import-check": (POST_ONLY, only(403, {S: 302, M: 404, CS: 404})),
    # Notify's callback: its own bearer token, no session.
    "outcomes:notify-receipts": (everyone(405, anon=405), everyone(401, anon=401)),
    "outcomes:retention": (only(403, {M: 200}), None),
    # POST asks a worker to count the period again.
    "outcomes:scorecard": (SCORECARD, only(403, {M: 302, PAM: 302, PV: 302})),
    # No period in the link: not found, for the one role allowed to follow it.
    "outcomes:scorecard-figure": (only(403, {M: 404}), None),
    "outcomes:scorecard-csv": (SCORECARD, None),
    "outcomes:scorecard-xlsx": (SCORECARD, None),
    "outcomes:scorecard-pdf": (SCORECARD, None),
    # Ofsted Annex A, Lists 1 and 3 (outcomes/returns/annex_a.py): child-level, managers only.
    "outcomes:scorecard-inspection": (only(403, {M: 200}), None),
    "outcomes:notice-resend": (POST_ONLY, only(403, {M: 302})),
    # Family letters the council prints: managers download a day's batch and mark it.
    "outcomes:print-batches": (only(403, {M: 200}), None),
    # A POST: the first download closes the batch, which no GET may do.
    "outcomes:print-batch-pdf": (POST_ONLY, only(403, {M: 200})),
    "outcomes:print-batch-printed": (POST_ONLY, only(403, {M: 302})),
    "outcomes:print-batch-posted": (POST_ONLY, only(403, {M: 302})),
    # An empty form: 400 with "Select the return year", for those who make returns.
    "outcomes:census": (only(403, {M: 200, PV: 200}), only(403, {M: 400, PV: 400})),
    "outcomes:census-export": (only(403, {M: 200, PV: 200}), None),
    # Still being checked: nothing to start again.
    "outcomes:census-check": (POST_ONLY, only(403, {M: 302, PV: 302})),
    "outcomes:census-xml": (only(403, {M: 200, PV: 200}), None),
    "outcomes:census-report": (only(403, {M: 200, PV: 200}), None),
    # Partner systems: administrators only. An empty form is answered with its errors;
    # the token page sends back to the system when no token waits to be shown.
    "referrals:systems": (only(403, {ADM: 200}), None),
    "referrals:system-add": (only(403, {ADM: 200}), only(403, {ADM: 200})),
    "referrals:system": (only(403, {ADM: 200}), None),
    "referrals:system-token": (only(403, {ADM: 302}), None),
    "referrals:system-change": (only(403, {ADM: 200}), only(403, {ADM: 200})),
    "referrals:system-active": (POST_ONLY, only(403, {ADM: 302})),
    "referrals:system-rotate": (only(403, {ADM: 200}), only(403, {ADM: 200})),
    "referrals:system-token-revoke": (only(403, {ADM: 200}), only(403, {ADM: 302})),
    "referrals:system-delete": (only(403, {ADM: 200}), only(403, {ADM: 302})),
    # Webhook endpoints of a partner system: administrators only, as the system's pages.
    # An empty form is answered with its errors; the secret page sends back to the
    # endpoint when no secret waits to be shown; the replay asks before it sends.
    "outcomes:webhook-endpoints": (only(403, {ADM: 200}), None),
    "outcomes:webhook-endpoint-add": (only(403, {ADM: 200}), only(403, {ADM: 200})),
    "outcomes:webhook-endpoint": (only(403, {ADM: 200}), None),
    "outcomes:webhook-secret": (only(403, {ADM: 302}), None),
    "outcomes:webhook-endpoint-change": (only(403, {ADM: 200}), only(403, {ADM: 200})),
    "outcomes:webhook-endpoint-active": (POST_ONLY, only(403, {ADM: 302})),
    "outcomes:webhook-delivery": (only(403, {ADM: 200}), None),
    "outcomes:webhook-delivery-replay": (only(403, {ADM: 200}), only(403, {ADM: 302})),
    "outcomes:webhook-secret-rotate": (only(403, {ADM: 200}), only(403, {ADM: 200})),
    "outcomes:webhook-secret-revoke": (only(403, {ADM: 200}), only(403, {ADM: 302})),
    "outcomes:webhook-endpoint-delete": (only(403, {ADM: 200}), only(403, {ADM: 302})),
    # Operation Encompass: notices for screening staff, the directory for administrators,
    # and the school's acknowledgement link for anyone holding it (used by the first POST).
    "outcomes:encompass": (only(403, STAFF), None),
    # The today page and its poll (docs/adr/0041): a manager's, or a screener's own.
    "outcomes:today": (only(403, STAFF), None),
    "outcomes:today-figures": (only(403, STAFF), None),
    "outcomes:encompass-school": (only(404, STAFF), only(404, {S: 400, M: 400})),
    "outcomes:encompass-acknowledge": (everyone(200, anon=200), everyone(400, anon=200)),
    "outcomes:schools": (only(403, {ADM: 200}), None),
    "outcomes:schools-upload": (only(403, {ADM: 200}), only(403, {ADM: 400})),
    "outcomes:school": (only(403, {ADM: 200}), only(403, {ADM: 400})),
    "outcomes:term-calendars": (only(403, {ADM: 200}), only(403, {ADM: 400})),
    "outcomes:term-calendar": (only(403, {ADM: 200}), only(403, {ADM: 400})),
    # The partner API takes bearer tokens only (tested with tokens in tests/referrals).
    "api-contact-case-system-id": (everyone(401, anon=401), everyone(401, anon=401)),
    "api-contact-detail": (everyone(401, anon=401), None),
    "api-outcome-events": (everyone(401, anon=401), everyone(401, anon=401)),
    "api-contact-create": (everyone(401, anon=401), everyone(401, anon=401)),
    "api-police-notification-create": (everyone(401, anon=401), everyone(401, anon=401)),
    "api-contact-documents": (everyone(401, anon=401), everyone(401, anon=401)),
    "api-events": (everyone(401, anon=401), everyone(401, anon=401)),
    # No period given: 400 with the reason, for those allowed to read it.
    "api-scorecard": (only(403, {M: 400, PAM: 400, PV: 400}, anon=401), None),
    "api-schema": (everyone(200, anon=403), None),
    # The documentation is a page: the signed-out are sent to sign in.
    "api-docs": (everyone(200), None),
}
# /healthz answers 503 here (no worker is consuming the test queue), 200 when all is up.
HEALTH = "healthz"


def url_names() -> list[str]:
    names = []

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if str(pattern.pattern).startswith("admin/"):
                    names.append("admin:index")
                    continue
                inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                names.append(namespace + pattern.name)

    walk(get_resolver().url_patterns)
    return names
