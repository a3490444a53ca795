"""The partner API's read of a contact, with its outcome once a decision stands.

The read lives here rather than in referrals because the outcome comes from
screening, and apps depend one way: referrals -> screening -> outcomes.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from outcomes.selectors import standing_decision
from referrals.api import ContactDetailApi, ContactOutputSerializer


class OutcomeSerializer(serializers.Serializer):
    route = serializers.CharField()
    route_label = serializers.CharField(source="get_route_display")
    decided_at = serializers.DateTimeField()


class ContactWithOutcomeSerializer(ContactOutputSerializer):
    def get_outcome(self, contact) -> dict | None:
        decision = standing_decision(contact)
        return OutcomeSerializer(decision).data if decision else None


class ContactWithOutcomeApi(ContactDetailApi):
    output_serializer = ContactWithOutcomeSerializer

    @extend_schema(
        operation_id="contacts_retrieve",
        responses={200: ContactWithOutcomeSerializer},
        summary="Status and outcome of a contact you submitted",
    )
    def get(self, request, reference: str):
        return super().get(request, reference)
