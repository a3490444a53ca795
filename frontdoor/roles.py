"""The service's roles. Each is a Django group created by a data migration
(``frontdoor/migrations/0003_roles.py``) holding the permissions below."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from frontdoor.models import User


class Role(models.TextChoices):
    # Declared in landing priority: a user in several groups lands on the first.
    ADMINISTRATOR = "administrator", "Administrator"
    MANAGER = "manager", "Manager"
    # Given on top of the manager role, to the few who answer for the service, to lift
    # restrictions they are not named on (docs/adr/0012-...): alone it opens nothing.
    HEAD_OF_SERVICE = "head_of_service", "Head of service"
    SCREENER = "screener", "Screener"
    # Out of hours (docs/adr/0044): records contacts and what it did, and hands them
    # over to the day team; sees only the contacts it recorded, never the queue.
    EDT = "edt", "Emergency duty team"
    # The local authority designated officer: allegations against adults who work with
    # children (a specialist pathway, docs/adr/0046); nothing else.
    LADO = "lado", "LADO (designated officer for allegations)"
    PARTNER_AGENCY_MEMBER = "partner_agency_member", "Partner-agency member of the MAST"
    PERFORMANCE_VIEWER = "performance_viewer", "Performance viewer"
    REFERRER = "referrer", "Referrer (partner professional)"
    CASE_SYSTEM = "case_system", "Case-management system (service account)"


class Permission(models.TextChoices):
    """Codenames of the permissions on ``frontdoor.User``; checks use ``perm``."""

    SCREEN_CONTACTS = "screen_contacts", "Can screen contacts from the queue"
    APPROVE_DECISIONS = "approve_decisions", "Can approve decisions and reassign screening"
    SUBMIT_REFERRALS = "submit_referrals", "Can submit referrals and follow their own"
    ANSWER_AGENCY_CHECKS = "answer_agency_checks", "Can answer multi-agency checks for own agency"
    VIEW_PERFORMANCE = "view_performance", "Can view the performance scorecard"
    VIEW_PERFORMANCE_RECORDS = (
        "view_performance_records",
        "Can open the contacts behind scorecard figures and export the inspection list",
    )
    ADMINISTER_SERVICE = "administer_service", "Can manage agencies and user accounts"
    RECORD_OUTCOMES = "record_outcomes", "Can record what happened after a referral"
    MAKE_STATUTORY_RETURNS = (
        "make_statutory_returns",
        "Can export the Children in Need census and read its validation report",
    )
    LIFT_ANY_RESTRICTION = (
        "lift_any_restriction",
        "Can lift a restriction they are not named on, giving a recorded reason",
    )
    HANDLE_LADO = (
        "handle_lado",
        "Can record and handle allegations against adults who work with children (LADO)",
    )
    RECORD_OUT_OF_HOURS = (
        "record_out_of_hours",
        "Can record contacts out of hours and hand them over to the day team",
    )

    @property
    def perm(self) -> str:
        return f"frontdoor.{self.value}"


def is_out_of_hours_recorder(user: User) -> bool:
    """Whether ``user`` is the emergency duty team (docs/adr/0044): records contacts out
    of hours and hands them over. The one test of it, wherever it is asked."""
    return user.is_authenticated and user.has_perm(Permission.RECORD_OUT_OF_HOURS.perm)
