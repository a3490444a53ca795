"""The partner API's document upload: attach a file to a contact the partner sent, as
multipart (``file``) or JSON (``content_base64``), each with the file's SHA-256 so a
file damaged on the way is refused rather than kept (docs/adr/0032)."""

from __future__ import annotations

import base64
import binascii
import hashlib

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from frontdoor.json_input import LimitedJSONParser
from frontdoor.limits import in_megabytes, limits
from referrals import selectors, services
from referrals.api import PartnerRateThrottle, error_responses
from referrals.authentication import PartnerTokenAuthentication
from referrals.models import Document
from referrals.services.documents import DESCRIPTION_LIMIT, KINDS_IN_WORDS, NAME_LIMIT


class DocumentInputSerializer(serializers.Serializer):
    file = serializers.FileField(
        required=False, help_text="Multipart only: the file. Its name is kept as sent."
    )
    filename = serializers.CharField(
        required=False,
        max_length=NAME_LIMIT,
        help_text="JSON only: the file's name, like police-report.pdf.",
    )
    content_base64 = serializers.CharField(
        required=False, help_text="JSON only: the file's bytes in base64 (RFC 4648)."
    )
    sha256 = serializers.RegexField(
        r"^[0-9a-fA-F]{64}$",
        help_text="The SHA-256 of the file's bytes, in hex: a file that does not match is "
        "refused. Required with content_base64; checked when sent with file.",
        required=False,
        error_messages={"invalid": "Send the SHA-256 as 64 hexadecimal characters."},
    )
    description = serializers.CharField(
        required=False, allow_blank=True, max_length=DESCRIPTION_LIMIT, default=""
    )

    def validate(self, attrs: dict) -> dict:
        if attrs.get("file") is not None:
            if "content_base64" in attrs:
                raise serializers.ValidationError("Send file or content_base64, not both.")
            attrs["name"], attrs["data"] = attrs["file"].name, attrs["file"].read()
        elif "content_base64" in attrs:
            if not attrs.get("filename"):
                raise serializers.ValidationError({"filename": ["Send the file's name."]})
            if not attrs.get("sha256"):
                raise serializers.ValidationError(
                    {"sha256": ["Send the file's SHA-256 with content_base64."]}
                )
            try:
                attrs["data"] = base64.b64decode(attrs["content_base64"], validate=True)
            except (binascii.Error, ValueError):
                raise serializers.ValidationError(
                    {"content_base64": ["This is not valid base64."]}
                ) from None
            attrs["name"] = attrs["filename"]
        else:
            raise serializers.ValidationError("Send the file, as file or content_base64.")
        sent = attrs.get("sha256")
        if sent and hashlib.sha256(attrs["data"]).hexdigest() != sent.lower():
            raise serializers.ValidationError(
                {
                    "sha256": [
                        "The file's SHA-256 does not match: it changed on the way. Send it again."
                    ]
                }
            )
        return attrs


class DocumentOutputSerializer(serializers.ModelSerializer):
    scan_state = serializers.ChoiceField(
        choices=Document.ScanState.choices,
        help_text="clean: scanned, no malware found. quarantined: the scanner could not be "
        "reached; the file is held, unopened, and scanned when it is back.",
    )

    class Meta:
        model = Document
        fields = [
            "id",
            "filename",
            "description",
            "content_type",
            "size",
            "sha256",
            "scan_state",
            "uploaded_at",
        ]


class DocumentCreateApi(APIView):
    authentication_classes = [PartnerTokenAuthentication]
    throttle_classes = [PartnerRateThrottle]
    parser_classes = [LimitedJSONParser, MultiPartParser]

    @extend_schema(
        operation_id="contacts_documents_create",
        request={
            "application/json": DocumentInputSerializer,
            "multipart/form-data": DocumentInputSerializer,
        },
        responses={
            201: DocumentOutputSerializer,
            **error_responses(400, 401, 403, 404, 405, 406, 413, 415, 422, 429),
        },
        summary="Attach a file to a contact you submitted",
        description=f"{KINDS_IN_WORDS[0].upper()}{KINDS_IN_WORDS[1:]}, up to "
        f"{in_megabytes(limits().document_bytes)}; the type is read from the bytes. Each "
        "file is scanned for malware: one with malware is refused (422) and not kept. Send "
        "JSON with content_base64, or multipart/form-data with the same fields and file "
        "in place of filename and content_base64.",
    )
    def post(self, request, reference: str):
        if not selectors.can_refer(request.user):
            raise PermissionDenied("This partner system may not submit contacts.")
        contact = selectors.contact_get(user=request.user, reference=reference)
        serializer = DocumentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            document = services.document_attach(
                actor=request.user,
                contact=contact,
                upload=services.DocumentUpload(
                    filename=data["name"], data=data["data"], description=data["description"]
                ),
                via=Document.Via.PARTNER_API,
            )
        except services.DocumentRefused as refused:
            malware_found = refused.infected
            return Response(
                {"detail": refused.message}
                if malware_found or not refused.field
                else {refused.field: [refused.message]},
                status=status.HTTP_422_UNPROCESSABLE_ENTITY
                if malware_found
                else status.HTTP_400_BAD_REQUEST,
            )
        return Response(DocumentOutputSerializer(document).data, status=status.HTTP_201_CREATED)
