"""The partner API for police forces' systems: send a police notification
(docs/adr/0037). The police reference is the key: sending one the force already sent
answers 200 with the contact it made; one that differs says how (``changed``)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from frontdoor.limits import LIMITS
from frontdoor.models import Agency
from referrals import selectors, services
from referrals.api import (
    AdultInput,
    AtMostListSerializer,
    PartnerRateThrottle,
    PersonFields,
    _django_validator,
    person_fields,
)
from referrals.api_errors import error_responses
from referrals.api_referrer import ReferrerFields
from referrals.api_scopes import scope_required
from referrals.authentication import PartnerTokenAuthentication
from referrals.forms_police import REFERENCE
from referrals.models import ContactSubject, IncidentType, Involvement, RiskGrade, Scope
from referrals.validators import check_date_of_birth, check_received_at

ADULT_INVOLVEMENTS = [
    (value, label)
    for value, label in Involvement.choices
    if value not in (Involvement.CHILD_PRESENT, Involvement.CHILD_RESIDENT)
]


CHILD_INVOLVEMENTS = [
    (Involvement.CHILD_PRESENT, Involvement.CHILD_PRESENT.label),
    (Involvement.CHILD_RESIDENT, Involvement.CHILD_RESIDENT.label),
]


def _reference(value: str) -> str:
    value = value.strip()
    if not REFERENCE.match(value):
        raise serializers.ValidationError(
            "Start with a letter or number and use only letters, numbers, spaces and / _ . -"
        )
    return value


class PoliceChild(PersonFields):
    plural = "children"

    class Meta:
        list_serializer_class = AtMostListSerializer

    involvement = serializers.ChoiceField(choices=CHILD_INVOLVEMENTS)
    said = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=LIMITS.narrative,
        help_text="What the child said, in their own words, as the officer recorded them.",
    )

    def validate_date_of_birth(self, value):
        return value and _django_validator(lambda day: check_date_of_birth(day, adult=False))(value)


class PoliceAdult(AdultInput):
    role = None  # the involvement says it
    involvement = serializers.ChoiceField(choices=ADULT_INVOLVEMENTS)


class PoliceInput(serializers.Serializer):
    police_reference = serializers.CharField(
        max_length=50,
        help_text="Your force's reference for this notification. Sending a reference "
        "again (case and spaces aside) is a re-send: answered 200 with the first contact.",
    )
    incident_number = serializers.CharField(
        max_length=50, required=False, allow_blank=True, default=""
    )
    incident_at = serializers.DateTimeField(help_text="When the incident happened.")
    incident_type = serializers.ChoiceField(choices=IncidentType.choices)
    risk_grade = serializers.ChoiceField(
        choices=RiskGrade.choices,
        help_text="The attending officer's grade (DASH). high is treated as immediate risk; "
        "each grade has its own time to a decision.",
    )
    officer_name = serializers.CharField(
        max_length=LIMITS.short_text, required=False, allow_blank=True, default=""
    )
    officer_account = serializers.CharField(
        max_length=LIMITS.narrative,
        help_text="What the officer found and did. Kept for screeners and the council's case "
        "system; never sent back through this API or to schools.",
    )
    family_told = serializers.BooleanField(
        allow_null=True,
        required=False,
        default=None,
        help_text="Whether the family was told police would share this; null if not said.",
    )
    received_at = serializers.DateTimeField(
        required=False, help_text="When the force sent it, if earlier; the clock starts here."
    )
    children = PoliceChild(many=True, allow_empty=False, max_length=LIMITS.children_per_contact)
    adults = PoliceAdult(
        many=True, required=False, default=list, max_length=LIMITS.adults_per_contact
    )
    referrer = ReferrerFields(
        required=False, help_text="The officer or unit screeners should contact about it."
    )

    def validate_police_reference(self, value):
        return _reference(value)

    def validate_incident_number(self, value):
        return _reference(value) if value.strip() else ""

    def validate_received_at(self, value):
        return _django_validator(check_received_at)(value)

    def to_input(self, *, agency: Agency) -> services.PoliceNotificationInput:
        data = self.validated_data
        subjects, involvements = [], []
        officer = data["officer_name"].strip() or "The attending officer"
        for child in data["children"]:
            said = child["said"].strip()
            subjects.append(
                services.SubjectInput(
                    role=ContactSubject.Role.CHILD,
                    **person_fields(child),
                    child_seen=True if said else None,
                    child_seen_on=data["incident_at"].date() if said else None,
                    child_seen_by=officer if said else "",
                    child_said=said,
                )
            )
            involvements.append(child["involvement"])
        for adult in data["adults"]:
            subjects.append(
                services.SubjectInput(
                    role=ContactSubject.Role.ALLEGED_PERPETRATOR
                    if adult["involvement"] == Involvement.ALLEGED_PERPETRATOR
                    else ContactSubject.Role.OTHER_ADULT,
                    **person_fields(adult),
                    relationship_to_children=adult["relationship_to_children"],
                )
            )
            involvements.append(adult["involvement"])
        referrer = data.get("referrer")
        return services.PoliceNotificationInput(
            details=services.PoliceDetails(
                police_reference=data["police_reference"],
                incident_number=data["incident_number"],
                incident_at=data["incident_at"],
                incident_type=data["incident_type"],
                risk_grade=data["risk_grade"],
                officer_account=data["officer_account"],
                officer_name=data["officer_name"],
                family_told=data["family_told"],
            ),
            subjects=subjects,
            involvements=involvements,
            referrer=services.ReferrerInput(
                name=referrer["name"],
                role=referrer["role"],
                organisation=agency.name,
                phone=referrer["phone"],
                email=referrer["email"],
            )
            if referrer
            else None,
            received_at=data.get("received_at"),
        )


class PoliceChange(serializers.Serializer):
    field = serializers.CharField(help_text="Which part of the notification differs.")
    description = serializers.CharField(help_text="How, in words.")


# The answer: the contact the notification made (or made when first sent). Never the
# officer's account or the people: the force has them.
class PoliceOutput(serializers.Serializer):
    reference = serializers.CharField(source="contact.reference")
    status = serializers.CharField(source="contact.status")
    police_reference = serializers.CharField()
    risk_grade = serializers.CharField()
    decision_due_at = serializers.DateTimeField(source="contact.decision_due_at")
    resent = serializers.SerializerMethodField(
        help_text="Whether this reference was sent before (then the contact is the one it "
        "made first)."
    )
    changed = serializers.SerializerMethodField(
        help_text="A re-send that differs from what was first sent: true, with ``changes``. "
        "Nothing is replaced: the differences are recorded on the contact for the screener, "
        "and a higher grade raises its urgency while it waits for a decision."
    )
    changes = serializers.SerializerMethodField(
        help_text="How a re-send differs, one item per field (risk_grade, incident_at, "
        "incident_type, family_told, children, adults, officer_account); empty otherwise."
    )

    def get_resent(self, notification) -> bool:
        return bool(self.context.get("resent"))

    def get_changed(self, notification) -> bool:
        return bool(self.context.get("changes"))

    @extend_schema_field(PoliceChange(many=True))
    def get_changes(self, notification) -> list[dict[str, str]]:
        return [
            {"field": change.field, "description": change.sentence}
            for change in self.context.get("changes", [])
        ]


class PoliceNotificationCreateApi(APIView):
    authentication_classes = [PartnerTokenAuthentication]
    permission_classes = [IsAuthenticated, scope_required(Scope.SUBMIT_POLICE_NOTIFICATIONS)]
    throttle_classes = [PartnerRateThrottle]

    @extend_schema(
        operation_id="police_notifications_create",
        request=PoliceInput,
        responses={
            201: PoliceOutput,
            200: PoliceOutput,
            **error_responses(400, 401, 403, 405, 406, 413, 415, 429),
        },
        summary="Send a police notification (police forces' systems)",
        description="One incident with its grade, the children present or normally "
        "resident and the adults involved. 201 with the new contact; 200 with the contact "
        "a re-sent police reference made before: nothing new is recorded if it says the same; "
        "if it differs, ``changed`` is true and ``changes`` says how (recorded on the "
        "contact for the screener, never replacing what was first sent).",
    )
    def post(self, request):
        agency = request.user.agency
        if (
            not selectors.can_refer(request.user)
            or agency is None
            or agency.type != Agency.Type.POLICE
        ):
            raise PermissionDenied("Only a police force's system may send police notifications.")
        serializer = PoliceInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            receipt = services.police_notification_receive(
                actor=request.user,
                data=serializer.to_input(agency=agency),
                force=agency,
                api_client=request.auth,
                via="api.police_notifications_create",
            )
        except services.PoliceNotificationRefused as refused:
            return Response(
                {refused.field or "detail": [str(refused)]}, status=status.HTTP_400_BAD_REQUEST
            )
        except services.ContactRejected as rejected:
            return Response({"detail": str(rejected)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(
            PoliceOutput(
                receipt.contact.police_notification,
                context={"resent": not receipt.created, "changes": receipt.changes},
            ).data,
            status=status.HTTP_201_CREATED if receipt.created else status.HTTP_200_OK,
        )
