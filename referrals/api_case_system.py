"""``PUT /api/v1/contacts/{reference}/case-system-id/``: the council's case-management
system sends its own id for a contact, so staff can go from one system to the other."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from referrals import selectors, services
from referrals.api import PartnerRateThrottle, error_responses
from referrals.api_scopes import scope_required
from referrals.authentication import PartnerTokenAuthentication
from referrals.models import Scope


class CaseSystemIdInput(serializers.Serializer):
    case_system_id = serializers.CharField(
        max_length=services.CASE_SYSTEM_ID_LONGEST,
        help_text="Your system's own id for this contact (letters, digits, spaces and "
        ". / _ : # -), shown to staff on the contact and the child's record.",
    )

    def validate_case_system_id(self, value: str) -> str:
        try:
            return services.case_system_id_clean(value)
        except services.CaseSystemIdRefused as refused:
            raise serializers.ValidationError(str(refused)) from None


class CaseSystemIdOutput(serializers.Serializer):
    contact_reference = serializers.CharField(source="reference")
    case_system_id = serializers.CharField()


class ContactCaseSystemIdApi(APIView):
    authentication_classes = [PartnerTokenAuthentication]
    permission_classes = [IsAuthenticated, scope_required(Scope.POST_OUTCOME_EVENTS)]
    throttle_classes = [PartnerRateThrottle]

    @extend_schema(
        operation_id="contacts_case_system_id_update",
        request=CaseSystemIdInput,
        responses={
            200: CaseSystemIdOutput,
            **error_responses(400, 401, 403, 404, 405, 406, 413, 415, 429),
        },
        summary="Give a contact your case-management system's own id (idempotent)",
        description="Sending the same id again changes nothing; a different id replaces "
        "the one kept. Needs the scope to post outcome events.",
    )
    def put(self, request, reference: str):
        try:
            contact = selectors.contact_get_for_case_system(user=request.user, reference=reference)
        except DjangoPermissionDenied:
            raise PermissionDenied(
                "This account may not write to contacts: it needs the case-management system role."
            ) from None
        serializer = CaseSystemIdInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        contact, _ = services.contact_case_system_id_set(
            actor=request.user,
            contact=contact,
            case_system_id=serializer.validated_data["case_system_id"],
        )
        return Response(CaseSystemIdOutput(contact).data, status=status.HTTP_200_OK)
