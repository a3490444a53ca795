"""Weights, shares, wording and name tables for the synthetic data, and the COPY columns."""

from __future__ import annotations

import random
from bisect import bisect_right
from itertools import accumulate

from frontdoor.models import Agency
from outcomes.models import DownstreamOutcome, Notice
from referrals.models import ConcernCategory, Contact, ContactSubject
from screening.models import Route

DAY = 86_400
HOUR = 3_600
YEAR = 365 * DAY
NULL = "\\N"

# Shares of decided contacts by route (DOMAIN.md; "already open" takes the rest).
# Advice given during a phone consultation is an Information and Advice decision.
ROUTE_WEIGHTS = [
    (Route.INFORMATION_AND_ADVICE, 45),
    (Route.EARLY_HELP, 25),
    (Route.SOCIAL_CARE_ASSESSMENT, 15),
    (Route.STRATEGY_DISCUSSION, 8),
    (Route.ALREADY_OPEN, 7),
]
CHILDREN_WEIGHTS = [(1, 55), (2, 30), (3, 11), (4, 4)]  # mean 1.64
# About a quarter of contacts are about a child already known. A referral picks a
# child referred in the year before often enough that re-referrals come out near
# England's 22 %; the other repeats mostly fall within twelve months too.
RE_REFERRAL_SHARE = 0.2
REFERRAL_OTHER_REPEAT_SHARE = 0.06
NOT_REFERRAL_REPEAT_SHARE = 0.25
REPEAT_WITHIN_YEAR_SHARE = 0.8
FORGET_FAMILY_AFTER = 2 * YEAR + 31 * DAY  # longer than any look-back above
# About one family in a hundred is a large household (six or more children, with
# fathers of half-siblings, grandparents, an aunt): ten to fifteen people.
LARGE_FAMILY_SHARE = 0.01
LARGE_CHILDREN = (6, 9)
# A few children come back again and again (a child going missing from home is a
# police notification each time): a share of all contacts go to the current one
# until they have this many, then another starts.
FREQUENT_SHARE = 0.004
FREQUENT_CONTACTS = 320
CHANGED_DECISION_SHARE = 0.04  # early help or assessment after a first, lower route
RETURNED_DECISION_SHARE = 0.03  # a manager returned the first decision
CHECK_SHARE = {  # ~30 % of contacts have multi-agency checks, more of the riskier
    Route.INFORMATION_AND_ADVICE: 0.12,
    Route.EARLY_HELP: 0.30,
    Route.SOCIAL_CARE_ASSESSMENT: 0.55,
    Route.STRATEGY_DISCUSSION: 0.85,
    Route.ALREADY_OPEN: 0.25,
}
# A decision later changed to this route by new information, from the route first given.
CHANGED_FROM = {
    Route.EARLY_HELP: Route.INFORMATION_AND_ADVICE,
    Route.SOCIAL_CARE_ASSESSMENT: Route.EARLY_HELP,
}
COMPLEX_SHARE = {  # flagged for the complex-case meeting; 2 % of other routes
    Route.STRATEGY_DISCUSSION: 0.4,
    Route.SOCIAL_CARE_ASSESSMENT: 0.1,
    Route.ALREADY_OPEN: 0.1,
}
RECEIPT_DELAY = {  # seconds from sending to the provider's delivery receipt
    Notice.Channel.EMAIL: (5, 60),
    Notice.Channel.SMS: (10, 300),
    Notice.Channel.LETTER: (DAY, 3 * DAY),
}
WITHHOLD_SHARE = {Route.STRATEGY_DISCUSSION: 0.08, Route.SOCIAL_CARE_ASSESSMENT: 0.03}
URGENCY_WEIGHTS = {  # immediate, soon, routine
    Route.INFORMATION_AND_ADVICE: (3, 30, 67),
    Route.EARLY_HELP: (4, 40, 56),
    Route.SOCIAL_CARE_ASSESSMENT: (12, 55, 33),
    Route.STRATEGY_DISCUSSION: (55, 40, 5),
    Route.ALREADY_OPEN: (10, 50, 40),
}
SCALING = {  # the screener's 0-10 scaling score, by route
    Route.INFORMATION_AND_ADVICE: (6, 9),
    Route.EARLY_HELP: (4, 7),
    Route.SOCIAL_CARE_ASSESSMENT: (2, 5),
    Route.STRATEGY_DISCUSSION: (0, 3),
    Route.ALREADY_OPEN: (3, 6),
}
C = ConcernCategory
CATEGORY_WEIGHTS = {
    Route.INFORMATION_AND_ADVICE: {C.NEGLECT: 20, C.PARENTAL_MENTAL_HEALTH: 15, C.DOMESTIC_ABUSE: 15, C.EMOTIONAL_ABUSE: 10, C.SUBSTANCE_MISUSE: 8, C.OTHER: 20, C.PHYSICAL_ABUSE: 5, C.MISSING_FROM_HOME: 4, C.CHILD_EXPLOITATION: 2, C.SEXUAL_ABUSE: 1},
    Route.EARLY_HELP: {C.NEGLECT: 25, C.PARENTAL_MENTAL_HEALTH: 15, C.DOMESTIC_ABUSE: 18, C.EMOTIONAL_ABUSE: 12, C.SUBSTANCE_MISUSE: 10, C.OTHER: 10, C.PHYSICAL_ABUSE: 4, C.MISSING_FROM_HOME: 4, C.CHILD_EXPLOITATION: 2},
    Route.SOCIAL_CARE_ASSESSMENT: {C.NEGLECT: 28, C.DOMESTIC_ABUSE: 22, C.EMOTIONAL_ABUSE: 12, C.SUBSTANCE_MISUSE: 10, C.PARENTAL_MENTAL_HEALTH: 10, C.PHYSICAL_ABUSE: 8, C.MISSING_FROM_HOME: 4, C.CHILD_EXPLOITATION: 4, C.SEXUAL_ABUSE: 2},
    Route.STRATEGY_DISCUSSION: {C.PHYSICAL_ABUSE: 35, C.SEXUAL_ABUSE: 20, C.DOMESTIC_ABUSE: 15, C.CHILD_EXPLOITATION: 12, C.NEGLECT: 10, C.MISSING_FROM_HOME: 8},
    Route.ALREADY_OPEN: {C.NEGLECT: 25, C.DOMESTIC_ABUSE: 25, C.EMOTIONAL_ABUSE: 15, C.SUBSTANCE_MISUSE: 10, C.PHYSICAL_ABUSE: 10, C.MISSING_FROM_HOME: 10, C.OTHER: 5},
}  # fmt: skip
ASSESSMENT_OUTCOMES = [
    (DownstreamOutcome.AssessmentOutcome.NO_FURTHER_ACTION, 50),
    (DownstreamOutcome.AssessmentOutcome.CHILD_IN_NEED, 33),
    (DownstreamOutcome.AssessmentOutcome.CHILD_PROTECTION, 12),
    (DownstreamOutcome.AssessmentOutcome.LOOKED_AFTER, 5),
]
S47_OUTCOMES = [  # of enquiries that needed no conference
    (DownstreamOutcome.AssessmentOutcome.NO_FURTHER_ACTION, 55),
    (DownstreamOutcome.AssessmentOutcome.CHILD_IN_NEED, 45),
]
S47_SHARE = 0.85  # of strategy discussions
ICPC_SHARE_OF_S47 = 0.365  # 0.85 x 0.365: 31 % of strategy discussions reach an ICPC
CP_PLAN_SHARE = 0.8  # of conferences
# What social care did next, shaped so each child's CIN census episodes pass the DfE's
# validation rules (tests/test_synthetic.py checks them): every assessment and s47 ends
# before the case closes, and a child's case closes before their next referral.
NO_ASSESSMENT_SHARE = 0.08  # referrals closed without an assessment (England: ~9 % NFA)
STRATEGY_TO_ASSESSMENT_SHARE = 0.7  # of strategy discussions with no s47: an s17 assessment
LATE_ASSESSMENT_SHARE = 0.17  # England: ~83 % of assessments within 45 working days
LATE_ICPC_SHARE = 0.19  # England: ~81 % of conferences within 15 working days
ASSESSMENT_DAYS = 45  # working days from referral to a completed assessment
ICPC_DAYS = 15  # working days from the strategy discussion to the conference
NO_FACTORS_SHARE = 0.3  # of assessments ending in no further action: factor 21 alone
SIBLING_OUTCOME_DIFFERS = 0.15  # siblings' assessments can end differently
RE_REFERRAL_TRIES = 4  # looks for a child whose case has closed, as re-referrals are
# Working days from the end of the work to the case closing, by how it ended.
CLOSE_AFTER = {
    "referral_nfa": (0, 4),
    "nfa": (0, 10),
    "child_in_need": (40, 250),
    "child_protection": (120, 400),
    "looked_after": (150, 450),
}
STEP_DOWN_SHARE = 0.4  # of assessments ending in NFA: closed and referred to early help (RC9)
# A looked-after child's case ends in an order or adoption as often as anything else.
LOOKED_AFTER_CLOSURES = [("RC7", 50), ("RC3", 20), ("RC4", 20), ("RC1", 10)]
MOVED_AWAY_SHARE = 0.02  # other long cases end with the family moving to another council (RC5)
DISABLED_CHILD_NEED_SHARE = 0.35  # N2 for an assessment of a disabled child
UPN_SCHOOLS = (2001, 600)  # synthetic schools 2001-2600 (the demo's are 2701 and up)
UPN_SHARE = 0.9  # of school children: the referrer or the screener gives it
STREET_KINDS = ["Road", "Street", "Lane", "Avenue", "Close", "Drive", "Grove", "Way", "Crescent", "Gardens", "Terrace", "Walk"]  # fmt: skip
TOWNS = ["York", "Harrogate", "Scarborough", "Whitby", "Selby", "Skipton", "Ripon", "Northallerton", "Thirsk", "Malton", "Richmond", "Pickering", "Knaresborough", "Tadcaster", "Filey", "Bedale", "Settle", "Easingwold", "Stokesley", "Catterick"]  # fmt: skip
POSTCODE_AREAS = ["YO", "HG", "DL", "TS", "BD", "LS", "HU", "DN", "WF", "LA"]
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
MONTH_FACTOR = (1.0, 1.0, 1.05, 0.95, 1.0, 1.05, 1.0, 0.8, 1.0, 1.1, 1.1, 0.9)
# Who refers (CIN census sources in England, roughly): agencies of these types in
# the Agency table, or members of the public through the contact centre.
SOURCE_GROUPS = [
    (29, (Agency.Type.POLICE,)),
    (20, (Agency.Type.EDUCATION,)),
    (15, (Agency.Type.HEALTH, Agency.Type.MENTAL_HEALTH)),
    (9, (Agency.Type.CHILDRENS_SOCIAL_CARE, Agency.Type.EARLY_HELP, Agency.Type.ADULT_SOCIAL_CARE)),
    (3, (Agency.Type.HOUSING,)),
    (3, (Agency.Type.PROBATION,)),
    (4, (Agency.Type.VOLUNTARY, Agency.Type.OTHER)),
]
PUBLIC_SHARE = 12
PUBLIC_SOURCES = [("1A", 45), ("1B", 25), ("1C", 5), ("1D", 10), ("9", 15)]
PUBLIC_ROLES = {"1A": ["Grandparent", "Aunt", "Father", "Older sister"], "1B": ["Neighbour", "Family friend", "Childminder"], "1C": ["Self"], "1D": ["Member of Parliament's caseworker", "Member of the public"]}  # fmt: skip
ROLE_BY_AGENCY_TYPE = {
    Agency.Type.POLICE: ["Officer in case", "Attending officer", "Police safeguarding officer"],
    Agency.Type.EDUCATION: ["Designated safeguarding lead", "Head teacher", "Class teacher"],
    Agency.Type.HEALTH: ["Health visitor", "GP", "School nurse", "Midwife", "A&E nurse"],
    Agency.Type.MENTAL_HEALTH: ["Community psychiatric nurse", "CAMHS practitioner"],
    Agency.Type.PROBATION: ["Probation officer"],
    Agency.Type.HOUSING: ["Housing officer", "Tenancy support worker"],
    Agency.Type.EARLY_HELP: ["Family support worker", "Prevention worker"],
    Agency.Type.CHILDRENS_SOCIAL_CARE: ["Social worker", "Out-of-hours social worker"],
    Agency.Type.ADULT_SOCIAL_CARE: ["Adult social worker"],
    Agency.Type.VOLUNTARY: ["Project worker", "Youth worker"],
}
NOT_TOLD_REASONS = [
    "Telling the family could put the child at greater risk.",
    "The parent was not contactable before the referral was made.",
    "The police asked that the family is not told while they investigate.",
]
ADVICE_ONLY = [
    "Talk to the family about an early help assessment and call back if worried.",
    "Advised the caller to share the worry with the school nurse and the GP.",
    "Signposted to the parenting programme; call again if anything changes.",
]
ADVICE_FOR_SCREENING = (
    "Agreed this needs screening today; the caller will send the details in writing."
)
MORE_RATIONALES = {
    Route.INFORMATION_AND_ADVICE: "No indication of harm; the referrer was advised on universal support and how to come back if the picture changes.",
    Route.EARLY_HELP: "The family's needs would be met by targeted support; the parents agree to work with the prevention service.",
    Route.SOCIAL_CARE_ASSESSMENT: "Repeated concerns and a parent struggling to keep the children safe: an assessment of need under section 17 is required.",
    Route.STRATEGY_DISCUSSION: "A child has disclosed harm by a household member; police and social care need to plan an enquiry under section 47 today.",
    Route.ALREADY_OPEN: "The children are open to a social worker; the new information has been shared with the allocated worker and team manager.",
}  # fmt: skip
SIGNS = {  # Signs of Safety wording by how worried the screener is
    "high": (
        "A child was hurt at home and the adults give explanations that do not fit.",
        "Social care and police are worried the children will be hurt again if the adult who harmed them stays in the home.",
        "Police history of domestic abuse at the address; the mother minimises the incidents.",
        "The children have a grandmother they trust who lives nearby.",
        "The mother has asked for help once before and accepted it.",
        "The children are safe from the adult who hurt them and everyone knows the plan.",
        "Strategy discussion with police and health today.",
    ),
    "middle": (
        "Repeated missed health appointments and the home is often without food.",
        "Professionals are worried the children's needs will go unmet and their development suffer if nothing changes.",
        "The parent's low mood and a recent eviction notice.",
        "The children attend school every day and are warm towards their parent.",
        "The parent engaged with the health visitor last year.",
        "The children have enough food, go to every appointment and the parent has support.",
        "Early help or assessment, as decided; share the plan with the family.",
    ),
    "low": (
        "No harm known; a single worry raised by school.",
        "The school is worried the child may fall behind if the family's difficulties continue.",
        "",
        "A loving family with grandparents involved and a stable home.",
        "The parents sought help themselves and follow advice.",
        "The family knows where to get help and the school keeps watching.",
        "Advice to the referrer; no further action by the front door.",
    ),
}
BAND = {
    Route.INFORMATION_AND_ADVICE: "low",
    Route.EARLY_HELP: "middle",
    Route.SOCIAL_CARE_ASSESSMENT: "middle",
    Route.STRATEGY_DISCUSSION: "high",
    Route.ALREADY_OPEN: "middle",
}
COMPLEX_REASONS = [
    "Several agencies hold worrying information about the household.",
    "Going missing and signs of exploitation: needs the partners together.",
    "Third contact this year; the picture only makes sense with every agency's view.",
]
# Who gave consent to a check, as a screener would write it.
CONSENT_GIVERS = [
    "The child's mother",
    "The child's father",
    "Both parents",
    "The child's carer",
    "The young person and their mother",
]
CHECK_QUESTIONS = [
    "Any incidents or intelligence about the adults at this address?",
    "Are the children registered and seen recently? Any missed appointments?",
    "Attendance and any safeguarding records held by the school?",
    "Is either parent known to your service, and is there a current worker?",
]
CHECK_ANSWERS = [
    "Two domestic incidents at the address in the last six months; no arrests.",
    "Nothing known to us about this family.",
    "Registered; last seen three months ago; two appointments missed since.",
    "Attendance 82 % this term; one earlier safeguarding record about lateness.",
    "Known to the service; an allocated worker sees the father monthly.",
]
RETURN_COMMENT = "Please add the police check to the rationale before I approve this."
WITHHOLD_REASON = "Telling the family now could prejudice the police investigation."
NO_FAMILY_ADDRESS = "No postal address for the family: add one on the contact"
NICKNAMES = {
    "Elizabeth": "Beth", "William": "Will", "Thomas": "Tom", "James": "Jim", "Robert": "Bob",
    "Rebecca": "Becky", "Samantha": "Sam", "Alexander": "Alex", "Jessica": "Jess",
    "Charlotte": "Lottie", "Daniel": "Dan", "Matthew": "Matt", "Katherine": "Kate",
    "Margaret": "Maggie", "Michael": "Mike", "Christopher": "Chris", "Joseph": "Joe",
    "Benjamin": "Ben", "Jonathan": "Jon", "Nicholas": "Nick", "Anthony": "Tony",
    "Victoria": "Vicky", "Jennifer": "Jenny", "Abigail": "Abby", "Oliver": "Ollie",
    "Henry": "Harry", "Joshua": "Josh", "Samuel": "Sam", "Natalie": "Nat", "Stephanie": "Steph",
    "Jacqueline": "Jackie", "Catherine": "Cath", "Andrew": "Andy", "Richard": "Rich",
    "Kimberley": "Kim", "Leanne": "Lea", "Gemma": "Gem", "Lucy": "Lu", "Emily": "Em",
}  # fmt: skip

# The columns each table is loaded with, in COPY order.
COLUMNS = {
    "referrals_person": "id, first_name, last_name, aliases, date_of_birth, expected_date_of_birth, sex, nhs_number, unique_pupil_number, address, postcode, created_at, updated_at, ethnicity, disabilities",
    "referrals_contact": "id, reference, received_at, decision_due_at, channel, status, source_agency_id, referral_source_id, referrer_id, referrer_anonymous, referrer_name, referrer_role, referrer_organisation, referrer_phone, referrer_email, concerns, concern_categories, urgency, family_awareness, family_not_told_reason, advice_given, advice_only, recorded_by_id, api_client_id, idempotency_key, idempotency_body_sha256, erased_at, created_at, updated_at",
    "referrals_contactsubject": "id, role, relationship_to_children, first_name, last_name, other_names, date_of_birth, expected_date_of_birth, sex, nhs_number, unique_pupil_number, address, postcode, match_status, position, contact_id, person_id, ethnicity, disabilities, child_seen, child_seen_on, child_seen_by, child_said, child_not_seen_reason",
    "referrals_relationship": "id, person_id, relative_id, kind, basis, recorded_on_id, recorded_by_id, recorded_at, confirmed_by_id, confirmed_at, replaces_id, ended_at, ended_by_id, end_reason",
    "referrals_personwarning": "id, kind, evidence, set_at, review_due, first_review_due, reviewed_at, review_note, ended_at, end_reason, ended_by_id, person_id, reviewed_by_id, set_by_id",
    "referrals_personwarningreview": "id, reviewed_at, review_due, note, reviewed_by_id, warning_id",
    "referrals_matchcandidate": "id, score, reasons, decision, decided_at, decided_by_id, subject_id, person_id",
    "screening_screening": "id, claimed_at, past_harm, danger_statement, complicating_factors, strengths, existing_safety, safety_goals, next_steps, scaling, checks_waived_reason, updated_at, assigned_to_id, contact_id, updated_by_id, complex_flag, complex_reason",
    "screening_agencycheck": "id, question, requested_at, status, response, answered_at, agency_id, answered_by_id, contact_id, requested_by_id, basis, consent_given_by_name, consent_given_on, basis_reason, sent_at, review_comment",
    "screening_decision": "id, route, rationale, is_complex, complex_reason, family_notice, withhold_reason, decided_at, approval, approval_at, approval_comment, approved_by_id, contact_id, decided_by_id, supersedes_id, threshold_level_id, primary_need, is_re_referral",
    "outcomes_notice": "id, kind, audience, channel, recipient, reference, status, attempts, failure_reason, provider_id, created_at, sending_started_at, next_attempt_at, sent_at, updated_at, contact_id, decision_id, requested_by_id, resend_of_id",
    "outcomes_downstreamoutcome": "id, event, occurred_on, assessment_outcome, source, external_id, recorded_at, contact_id, recorded_by_id, subject_id, factors, reason_for_closure, late_reason",
}  # fmt: skip
TABLES = tuple(COLUMNS)

Status = Contact.Status
Channel = Contact.Channel
SubjectRole = ContactSubject.Role
FAMILY_ROLES = (SubjectRole.PARENT, SubjectRole.CARER)  # whom outcomes.services writes to
Match = ContactSubject.MatchStatus
Event = DownstreamOutcome.Event


def _cumulative(weights: list[tuple[object, float]]) -> tuple[list, list[float]]:
    values = [value for value, _ in weights]
    return values, list(accumulate(weight for _, weight in weights))


def _pick(rng: random.Random, table: tuple[list, list[float]]):
    values, cumulative = table
    return values[bisect_right(cumulative, rng.random() * cumulative[-1])]
