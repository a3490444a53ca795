"""The partner API's read of a contact, with its outcome once a decision stands, and
social care's outcome events.

The read lives here rather than in referrals because the outcome comes from
screening, and apps depend one way: referrals -> screening -> outcomes.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from frontdoor.audit import audit_views
from frontdoor.limits import LIMITS
from frontdoor.roles import Permission
from outcomes import downstream
from outcomes.models import DownstreamOutcome
from outcomes.selectors import standing_decision
from referrals import selectors as referral_selectors
from referrals.api import (
    OUTCOME_HELP,
    ContactFieldsSerializer,
    PartnerRateThrottle,
    error_responses,
)
from referrals.api_scopes import scope_required
from referrals.authentication import PartnerTokenAuthentication
from referrals.models import Scope
from screening.models import AdviceRecipient


class OutcomeSerializer(serializers.Serializer):
    route = serializers.CharField()
    route_label = serializers.CharField(source="get_route_display")
    decided_at = serializers.DateTimeField()
    advice_given = serializers.CharField(
        help_text="For information and advice: the advice given; empty for other routes."
    )
    advice_given_to = serializers.ListField(
        child=serializers.ChoiceField(choices=AdviceRecipient.choices),
        help_text="For information and advice: who was given the advice.",
    )


class ContactWithOutcomeSerializer(ContactFieldsSerializer):
    outcome = serializers.SerializerMethodField(help_text=OUTCOME_HELP)

    def get_outcome(self, contact) -> dict | None:
        decision = standing_decision(contact)
        return OutcomeSerializer(decision).data if decision else None


class ContactWithOutcomeApi(APIView):
    authentication_classes = [PartnerTokenAuthentication]
    permission_classes = [IsAuthenticated, scope_required(Scope.READ_OWN_CONTACTS)]
    throttle_classes = [PartnerRateThrottle]

    @extend_schema(
        operation_id="contacts_retrieve",
        responses={
            200: ContactWithOutcomeSerializer,
            **error_responses(400, 401, 404, 405, 406, 429),
        },
        summary="Status and outcome of a contact you submitted",
    )
    def get(self, request, reference: str):
        contact = referral_selectors.contact_get(user=request.user, reference=reference)
        audit_views(
            actor=request.user, record_type="contact", record_ids=[reference], request=request
        )
        return Response(ContactWithOutcomeSerializer(contact).data)


class OutcomeEventInputSerializer(serializers.Serializer):
    event_id = serializers.CharField(
        max_length=100, help_text="Your id for this event; sending it again changes nothing."
    )
    contact_reference = serializers.CharField(max_length=20)
    child = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=LIMITS.short_text,
        help_text="The child's NHS number or full name; may be left out when there is one.",
    )
    event = serializers.ChoiceField(choices=DownstreamOutcome.Event.choices)
    date = serializers.DateField()
    assessment_outcome = serializers.ChoiceField(
        choices=DownstreamOutcome.AssessmentOutcome.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required for assessment_completed; not allowed otherwise.",
    )
    factors = serializers.ListField(
        child=serializers.CharField(max_length=4),
        required=False,
        default=list,
        max_length=50,
        help_text="For assessment_completed: the CIN census codes of the factors identified "
        'at the end of the assessment (e.g. ["3B", "16A"]), from the code list of the '
        'return year holding the date; each once; "21" (no factors identified) only alone.',
    )
    reason_for_closure = serializers.CharField(
        max_length=4,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required for case_closed, not allowed otherwise: the CIN census reason "
        "for closure (RC1 to RC9) valid in the return year holding the date.",
    )
    late_reason = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required when an assessment_completed is dated more than 45 working days "
        "after the referral (the date the contact was received), or an icpc more than 15 "
        "working days after the child's latest strategy discussion on or before it; ignored "
        "when in time. An icpc dated on a Saturday or Sunday is refused.",
    )


class OutcomeEventOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    event_id = serializers.CharField(source="external_id")
    contact_reference = serializers.CharField(source="contact.reference")
    event = serializers.CharField()
    date = serializers.DateField(source="occurred_on")
    assessment_outcome = serializers.CharField()
    factors = serializers.ListField(child=serializers.CharField())
    reason_for_closure = serializers.CharField()
    late_reason = serializers.CharField(help_text="Kept only when the event was late.")


class OutcomeEventApi(APIView):
    authentication_classes = [PartnerTokenAuthentication]
    permission_classes = [IsAuthenticated, scope_required(Scope.POST_OUTCOME_EVENTS)]
    throttle_classes = [PartnerRateThrottle]

    @extend_schema(
        operation_id="outcome_events_create",
        request=OutcomeEventInputSerializer,
        responses={
            201: OutcomeEventOutputSerializer,
            200: OutcomeEventOutputSerializer,
            **error_responses(400, 401, 403, 405, 406, 413, 415, 429),
        },
        summary="Record what happened after a referral (assessment, s47, ICPC, plan, closure)",
    )
    def post(self, request):
        if not request.user.has_perm(Permission.RECORD_OUTCOMES.perm):
            raise PermissionDenied("This system may not record outcomes.")
        serializer = OutcomeEventInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            outcome, created = downstream.outcome_event_record(
                actor=request.user,
                data=downstream.OutcomeEventInput(
                    contact_reference=data["contact_reference"],
                    child=data["child"],
                    event=data["event"],
                    occurred_on=data["date"],
                    assessment_outcome=data["assessment_outcome"],
                    external_id=data["event_id"],
                    factors=tuple(data["factors"]),
                    reason_for_closure=data["reason_for_closure"],
                    late_reason=data["late_reason"],
                ),
                source=DownstreamOutcome.Source.API,
            )
        except downstream.OutcomeRejected as rejected:
            return Response({"detail": str(rejected)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(
            OutcomeEventOutputSerializer(outcome).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
