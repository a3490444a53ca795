"""The specialist pathways' forms, clocks and outcomes, as data (docs/adr/0046).

Pathways differ mostly in words: which of a pathway record's few fields the short
form asks, what each is called, how many working days the clock gives, and which
outcomes close it. One ``PathwayConfig`` each; the form, the service, the pages and
the demo read them, so a new pathway that differs only in words is a new entry here
(and a ``referrals.models.Pathway`` value)."""

from __future__ import annotations

from dataclasses import dataclass, field

from referrals.models import Pathway


@dataclass(frozen=True)
class PathwayConfig:
    pathway: Pathway
    # What the person recording it is asked, field name -> label (the record's fields:
    # organisation, organisation_contact, adult_name, adult_role, request, team, due_on).
    fields: dict[str, str]
    # Working days from receipt to the clock's end; None: the asker's due date (due_on).
    working_days: int | None
    clock_label: str
    outcomes: list[tuple[str, str]]
    # Contacts of this pathway are restricted on receipt to the pathway's handlers
    # (the LADO role) and managers, by the restriction mechanism (ADR 0012).
    restricted: bool = False
    # Teams the contact may be routed to (NRPF, unaccompanied children).
    teams: list[str] = field(default_factory=list)
    # CIN census factor codes a later assessment may well record (hints, never set).
    factor_hints: list[tuple[str, str]] = field(default_factory=list)
    # The words on the pathway's list and form.
    hint: str = ""
    # Who the referrer's acknowledgement says will be in touch (outcomes' notice
    # templates: a pathway's contact never promises a screening decision).
    team_name: str = ""
    # A clock set in law: its working days are Monday to Friday less bank holidays
    # whatever WORKING_DAYS_INCLUDE_WEEKENDS says (frontdoor.working_days).
    statutory: bool = False

    @property
    def label(self) -> str:
        return self.pathway.label

    def outcome_label(self, value: str) -> str:
        return dict(self.outcomes).get(value, value)


# What the form and the service say of a field left empty: written once, here.
CONCERNS_MISSING = "Enter what we were told"
DUE_ON_MISSING = "Enter the date the answer is due"
TEAM_MISSING = "Select the team"
OUTCOME_MISSING = "Select the outcome"
NOTE_MISSING = "Enter what was done or shared"


def missing(label: str) -> str:
    """The message for an empty field asked under ``label``."""
    return f"Enter {label[0].lower()}{label[1:]}"


ASKER = {
    "organisation": "Council asking",
    "organisation_contact": "Who asked, and how to reach them",
    "request": "What they asked for",
    "due_on": "Answer due by",
}

PATHWAYS: dict[str, PathwayConfig] = {
    config.pathway.value: config
    for config in [
        PathwayConfig(
            Pathway.LADO,
            fields={
                "adult_name": "The adult the allegation is about",
                "adult_role": "Their job or role with children",
                "organisation": "Their employer or the organisation they volunteer for",
                "organisation_contact": "Employer's contact (name, phone or email)",
            },
            working_days=1,
            clock_label="Initial consideration due",
            outcomes=[
                ("no_further_action", "Initial consideration: no further action by the LADO"),
                ("employer_to_manage", "Employer to manage (does not meet the harm threshold)"),
                ("allegation_meeting", "Allegation management meeting to be held"),
                ("strategy_discussion", "Referred for a strategy discussion about the child"),
                ("police", "Referred to the police"),
            ],
            restricted=True,
            team_name="The Local Authority Designated Officer (LADO)",
            hint="An adult who works with children has harmed, or may have harmed, a child; "
            "behaved in a way that may be a criminal offence against children; or behaved "
            "in a way that suggests they may not be suitable to work with children.",
        ),
        PathwayConfig(
            Pathway.PRIVATE_FOSTERING,
            fields={
                "adult_name": "The private foster carer",
                "adult_role": "Their relationship to the child",
                "organisation_contact": "Carer's address and phone",
            },
            working_days=7,
            statutory=True,  # Children (Private Arrangements for Fostering) Regs 2005
            clock_label="Statutory visit due",
            factor_hints=[("8F", "Privately fostered (8B to 8F: say which)")],
            outcomes=[
                ("visited_suitable", "Visited: the arrangement is suitable"),
                ("visited_concerns", "Visited: concerns, referred to the front door"),
                (
                    "not_private_fostering",
                    "Not private fostering (close relative or under 28 days)",
                ),
            ],
            team_name="The private fostering team",
            hint="A child under 16 (18 if disabled) cared for for 28 days or more by someone "
            "who is not a parent or close relative.",
        ),
        PathwayConfig(
            Pathway.NRPF,
            fields={"team": "Team the family goes to", "request": "What the family needs"},
            working_days=1,
            clock_label="Routing due",
            outcomes=[
                ("routed", "Passed to the team"),
                ("signposted", "Signposted to other support"),
            ],
            teams=["No Recourse to Public Funds team", "Children in Need team"],
            factor_hints=[("20", "Other (no recourse to public funds)")],
            team_name="The No Recourse to Public Funds team",
            hint="A family with no recourse to public funds (immigration conditions).",
        ),
        PathwayConfig(
            Pathway.UNACCOMPANIED,
            fields={"team": "Team the child goes to", "request": "How the child came to us"},
            working_days=1,
            clock_label="Routing due",
            outcomes=[
                ("routed", "Passed to the team"),
                ("national_transfer", "Transferred under the National Transfer Scheme"),
            ],
            teams=["Children in Care (UASC) team", "Leaving Care team"],
            factor_hints=[("9A", "Unaccompanied asylum-seeking child")],
            team_name="The team for unaccompanied children",
            hint="A child who arrived without a parent or carer (unaccompanied asylum-seeking).",
        ),
        PathwayConfig(
            Pathway.INFORMATION_REQUEST,
            fields=ASKER,
            working_days=None,
            clock_label="Answer due",
            outcomes=[
                ("shared", "Answered: information shared"),
                ("nothing_known", "Answered: nothing known"),
                ("declined", "Declined (no lawful basis)"),
            ],
            team_name="The team that answers requests from other councils",
            hint="Another council asks what we know about a child or family.",
        ),
        PathwayConfig(
            Pathway.CP_TRANSFER_IN,
            fields=ASKER,
            working_days=None,
            clock_label="Transfer-in conference due",
            outcomes=[
                ("shared", "Answered: records received and conference arranged"),
                ("not_here", "The family does not live here"),
            ],
            team_name="The child protection conference team",
            hint="Another council transfers a child on a child protection plan to us.",
        ),
    ]
}
