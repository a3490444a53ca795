"""The pull feed of events for case systems (``GET /api/v1/events/``), and the shape of
every event, which is also the body of each signed webhook (docs/adr/0034)."""

from __future__ import annotations

import re

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from frontdoor.audit import audit_views
from frontdoor.roles import Permission
from outcomes.handoff import feed
from outcomes.models import CaseEvent
from referrals.api import PartnerRateThrottle, error_responses
from referrals.api_scopes import scope_required
from referrals.authentication import PartnerTokenAuthentication
from referrals.models import Scope

EVENTS_HELP = (
    "What happened, as a Standard Webhooks payload: the same object is the body of the "
    "webhook Front Door sends for the event, signed in the `webhook-id`, `webhook-timestamp` "
    "and `webhook-signature` headers (the README shows a receiver checking them). "
    "`decision.stands`: a decision stands (made without needing approval, or approved); "
    "`contact.closed_as_advice`: the same, for information and advice; "
    "`decision.superseded`: a standing decision was replaced (a correction), sent just before "
    "the `decision.stands` or `contact.closed_as_advice` of the decision that replaced it; "
    "`referral.withdrawn`: the contact was withdrawn before any decision on it stood (sent in "
    "error, a duplicate, the wrong local authority, or the referrer withdrew the concern): "
    "close or drop whatever you opened for it. No decision event follows one."
)


class EventSerializer(serializers.Serializer):
    id = serializers.CharField(
        source="event_id",
        help_text="The event's id, the webhook's `webhook-id`: the same on every delivery "
        "and replay, so a receiver can drop an event it has already applied.",
    )
    type = serializers.ChoiceField(source="kind", choices=CaseEvent.Kind.choices)
    timestamp = serializers.DateTimeField(source="occurred_at")
    contact_reference = serializers.CharField(source="contact.reference")
    data = serializers.JSONField(
        help_text="For a decision: `contact` (reference, received_at, channel, "
        "case_system_id, police_notification, concerns, concern_categories, urgency, "
        "referrer; police_notification is null unless the contact is a police "
        "notification: then force, police_reference, incident_number, incident_at, "
        "incident_type, risk_grade, officer_name, officer_account, family_told and "
        "involvements, each front_door_person_id and involvement), `decision` "
        "(id, route, route_name, threshold_level, threshold_name, primary_need, rationale, "
        "is_re_referral, family_told, advice_given, advice_given_to, decided_at, decided_by, "
        "approved_at, approved_by, supersedes), `children` and `adults` (each with "
        "front_door_person_id, role, names, date_of_birth, sex, nhs_number, "
        "unique_pupil_number, ethnicity, disabilities, address, postcode; children also "
        "`voice`), `signs_of_safety`, `checks` and `documents` (details, not the file). "
        "For `decision.superseded`: `contact`, `superseded_decision` and `superseded_by`. "
        "For `referral.withdrawn`: `contact` (as for a decision), `withdrawal` (reason: "
        "sent_in_error, duplicate, wrong_local_authority or concern_withdrawn; reason_name, "
        "duplicate_of (the other contact's reference, for a duplicate), note, asked_by: "
        "referrer or staff, withdrawn_at, withdrawn_by), `children` and `adults` as for a "
        "decision. "
        'After the contact is erased under the retention policy: `{"erased": true}`.'
    )


class EventPageSerializer(serializers.Serializer):
    events = EventSerializer(many=True, help_text=EVENTS_HELP)
    next_cursor = serializers.CharField(
        help_text="Send as `after` next time. When there was nothing new it is the cursor "
        "you sent; keep it and ask again later."
    )
    has_more = serializers.BooleanField(help_text="More events are waiting: ask again at once.")


class EventFeedApi(APIView):
    authentication_classes = [PartnerTokenAuthentication]
    permission_classes = [IsAuthenticated, scope_required(Scope.RECEIVE_EVENTS)]
    throttle_classes = [PartnerRateThrottle]

    @extend_schema(
        operation_id="events_list",
        parameters=[
            OpenApiParameter(
                "after",
                OpenApiTypes.STR,
                description="The `next_cursor` of the last page you read; leave out to "
                "start at the first event.",
            ),
            OpenApiParameter(
                "limit",
                OpenApiTypes.INT,
                description=f"Events per page, 1 to {feed.PAGE_MOST} "
                f"(default {feed.PAGE_DEFAULT}).",
            ),
        ],
        responses={200: EventPageSerializer, **error_responses(400, 401, 403, 405, 406, 429)},
        summary="Events about decisions and withdrawn referrals, in order, for systems that "
        "poll instead of receiving webhooks",
    )
    def get(self, request):
        if not request.user.has_perm(Permission.RECORD_OUTCOMES.perm):
            raise PermissionDenied("This system may not receive events.")
        unknown = sorted(set(request.query_params) - {"after", "limit"})
        if unknown:
            # A misspelt "after" would otherwise start the reader at the first event.
            raise ValidationError(
                {
                    name or "(empty name)": ["Not a parameter of this feed: use after and limit."]
                    for name in unknown
                }
            )
        limit_text = request.query_params.get("limit", str(feed.PAGE_DEFAULT))
        if (
            not re.fullmatch(r"[0-9]{1,3}", limit_text)
            or not 1 <= int(limit_text) <= feed.PAGE_MOST
        ):
            raise ValidationError({"limit": [f"Give a whole number from 1 to {feed.PAGE_MOST}."]})
        try:
            page = feed.events_after(
                cursor=request.query_params.get("after", ""), limit=int(limit_text)
            )
        except feed.BadCursor as bad:
            raise ValidationError({"after": [str(bad)]}) from bad
        audit_views(
            actor=request.user,
            record_type="contact",
            record_ids=page.contact_references,
            request=request,
            via="event feed",
        )
        # The page is written as JSON here, events' data passed through as stored
        # (outcomes/handoff/wire.py); EventPageSerializer describes it for the schema.
        return HttpResponse(page.as_json(), content_type="application/json")
