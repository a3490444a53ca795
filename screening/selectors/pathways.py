"""Reads for the specialist pathways (docs/adr/0046): a pathway's list and one
record, each by the one access rule: ``can_handle`` for the pathway, then the
restriction test every contact's record kind asks (``contact_ensure_open``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from frontdoor.models import User
from referrals import selectors as referral_selectors
from screening.models import PathwayRecord
from screening.pathways import PATHWAYS, PathwayConfig
from screening.services_pathways import can_handle


def pathway_config(*, user: User, pathway: str) -> PathwayConfig:
    """The pathway, for someone who handles it: 404 for a pathway that is not one,
    403 for a role that does not handle it."""
    config = PATHWAYS.get(pathway)
    if config is None:
        raise Http404("No such pathway")
    if not can_handle(user, pathway):
        raise PermissionDenied
    return config


def pathway_list(*, user: User, pathway: str) -> QuerySet[PathwayRecord]:
    """The pathway's records the user may open: open ones first, by due time. Records
    restricted without naming the user are left out."""
    return (
        PathwayRecord.objects.filter(contact__pathway=pathway)
        .exclude(referral_selectors.closed_to(user, "contact_id"))
        .select_related("contact")
        .prefetch_related("contact__subjects")
        .order_by("-outcome_at", "due_at", "pk")
    )


def pathway_get(*, user: User, reference: str) -> PathwayRecord:
    """One record: 404 when missing or not a pathway the user handles; the
    restricted-record refusal when restricted without naming them."""
    record = (
        PathwayRecord.objects.select_related("contact", "outcome_by", "contact__recorded_by")
        .prefetch_related("contact__subjects")
        .filter(contact__reference=reference)
        .first()
    )
    if record is None or not can_handle(user, record.contact.pathway):
        raise Http404("No record found")
    referral_selectors.contact_ensure_open(user=user, contact=record.contact)
    return record
