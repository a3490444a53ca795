"""The partner API: partner systems push contacts and read back their status.

Thin views: serializers validate and shape, ``contact_submit`` records, and
``contact_get`` decides what the caller may read.
"""

from __future__ import annotations

import hashlib
import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import MaxLengthValidator
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from frontdoor.limits import LIMITS, too_many
from frontdoor.throttling import SharedOrLocalRateThrottle
from referrals import selectors, services
from referrals.api_errors import error_responses
from referrals.api_referrer import ReferrerFields, ReferrerOutput, referrer_of
from referrals.api_scopes import scope_required
from referrals.api_voice import (
    ChildVoiceFields,
    ChildVoiceOutput,
    children_of,
    voice_input,
    voice_problems,
    voices_of,
)
from referrals.authentication import PartnerTokenAuthentication
from referrals.models import ConcernCategory, Contact, ContactSubject, Scope, Sex
from referrals.validators import (
    check_date_of_birth,
    check_expected_date_of_birth,
    check_nhs_numbers_distinct,
    check_received_at,
    clean_nhs_number,
    clean_postcode,
    clean_unique_pupil_number,
)

IDEMPOTENCY_HEADER = "Idempotency-Key"


def body_sha256(data) -> str:
    """The fingerprint kept with an Idempotency-Key: SHA-256 of the body as sent, parsed
    and written back as sorted-keys compact JSON. The body as sent, not as validated, so
    a retry matches whatever this version's rules tidy or default; key order and
    spacing do not matter."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _django_validator(clean):
    def validate(value: str) -> str:
        from django.core.exceptions import ValidationError

        try:
            return clean(value)
        except ValidationError as error:
            raise serializers.ValidationError(error.messages) from None

    return validate


class AtMostListSerializer(serializers.ListSerializer):
    """A list of people with its ceiling checked before any one of them is: a contact of
    5,000 children is refused at once with one message, not after checking each."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            # Read by drf-spectacular: the ceiling appears in the schema as maxItems.
            self.validators.append(MaxLengthValidator(self.max_length))

    def to_internal_value(self, data):
        if self.max_length is not None and isinstance(data, list) and len(data) > self.max_length:
            raise serializers.ValidationError(
                [too_many(self.child.plural, self.max_length)], code="max_length"
            )
        return super().to_internal_value(data)


def person_fields(person: dict) -> dict:
    """The ``PersonFields`` of a child or adult as ``SubjectInput`` takes them: what every
    partner payload (contacts, police notifications) says of anyone on it."""
    return {
        "first_name": person["first_name"],
        "last_name": person["last_name"],
        "other_names": person.get("other_names", ""),
        "date_of_birth": person.get("date_of_birth"),
        "sex": person["sex"],
        "nhs_number": person["nhs_number"],
        "address": person["address"],
        "postcode": person["postcode"],
    }


class PersonFields(serializers.Serializer):
    first_name = serializers.CharField(max_length=LIMITS.name)
    last_name = serializers.CharField(max_length=LIMITS.name)
    other_names = serializers.CharField(
        max_length=LIMITS.other_names, required=False, allow_blank=True
    )
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, default=Sex.UNKNOWN)
    nhs_number = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=LIMITS.nhs_number
    )
    address = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=LIMITS.address
    )
    postcode = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=LIMITS.postcode
    )

    def validate_nhs_number(self, value):
        return _django_validator(clean_nhs_number)(value)

    def validate_postcode(self, value):
        return _django_validator(clean_postcode)(value)


class ChildInput(PersonFields):
    plural = "children"

    class Meta:
        list_serializer_class = AtMostListSerializer

    unborn = serializers.BooleanField(required=False, default=False)
    expected_date_of_birth = serializers.DateField(required=False, allow_null=True)
    unique_pupil_number = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=LIMITS.unique_pupil_number
    )
    ethnicity = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=4,
        help_text="The child's ethnicity as a CIN census code valid in the return year of "
        "the contact's receipt (for example WBRI, MWBA, REFU). Leave out, or send NOBT, "
        "when not yet obtained.",
    )
    disabilities = serializers.ListField(
        child=serializers.CharField(max_length=4),
        required=False,
        default=list,
        max_length=LIMITS.disabilities,
        help_text="The child's disabilities as CIN census codes valid in that return year "
        '(for example AUT, HEAR). ["NONE"] means no disability and cannot be combined '
        "with another code; leave out when not known.",
    )

    def validate_unique_pupil_number(self, value):
        return _django_validator(clean_unique_pupil_number)(value)

    def validate_date_of_birth(self, value):
        return value and _django_validator(lambda day: check_date_of_birth(day, adult=False))(value)

    def validate_expected_date_of_birth(self, value):
        return value and _django_validator(check_expected_date_of_birth)(value)

    voice = ChildVoiceFields(
        required=False,
        allow_null=True,
        default=None,
        help_text="The child's voice: whether they were seen or spoken to about this "
        "concern, and what they said or why not. Leave out if not known; not for an "
        "unborn child.",
    )

    def validate(self, attrs):
        if attrs["unborn"] and attrs.get("voice"):
            raise serializers.ValidationError(
                {"voice": "An unborn child cannot have been seen or spoken to."}
            )
        if attrs["unborn"] and not attrs.get("expected_date_of_birth"):
            raise serializers.ValidationError(
                {"expected_date_of_birth": "Give the expected date of birth of an unborn child."}
            )
        if not attrs["unborn"] and attrs.get("expected_date_of_birth"):
            raise serializers.ValidationError(
                {"expected_date_of_birth": "Only an unborn child has an expected date of birth."}
            )
        if attrs.get("voice"):
            problems = voice_problems(attrs["voice"], date_of_birth=attrs.get("date_of_birth"))
            if problems:
                raise serializers.ValidationError({"voice": problems})
        return attrs


ADULT_ROLES = [
    (value, label)
    for value, label in ContactSubject.Role.choices
    if value not in ContactSubject.CHILD_ROLES
]


class AdultInput(PersonFields):
    plural = "adults"

    class Meta:
        list_serializer_class = AtMostListSerializer

    role = serializers.ChoiceField(choices=ADULT_ROLES)
    relationship_to_children = serializers.CharField(
        max_length=LIMITS.short_text, required=False, allow_blank=True, default=""
    )

    def validate_date_of_birth(self, value):
        return value and _django_validator(lambda day: check_date_of_birth(day, adult=True))(value)


@extend_schema_field(
    {
        "type": "array",
        "items": {"type": "string", "enum": ConcernCategory.values},
        "minItems": 1,
        "maxItems": len(ConcernCategory.choices),
        "uniqueItems": True,
    }
)
class ConcernCategoriesField(serializers.ListField):
    """Each known category at most once."""

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        if len(set(values)) != len(values):
            raise serializers.ValidationError("Give each concern category once.")
        return values


class ContactInputSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(
        choices=[Contact.Channel.PARTNER_API, Contact.Channel.POLICE_NOTIFICATION],
        default=Contact.Channel.PARTNER_API,
    )
    received_at = serializers.DateTimeField(
        required=False,
        help_text="When the partner received the concern, if earlier; the clock starts here.",
    )
    children = ChildInput(many=True, allow_empty=False, max_length=LIMITS.children_per_contact)
    adults = AdultInput(
        many=True, required=False, default=list, max_length=LIMITS.adults_per_contact
    )
    concerns = serializers.CharField(max_length=LIMITS.narrative)
    concern_categories = ConcernCategoriesField(
        child=serializers.ChoiceField(choices=ConcernCategory.choices),
        allow_empty=False,
        max_length=len(ConcernCategory.choices),
    )
    urgency = serializers.ChoiceField(choices=Contact.Urgency.choices)
    family_awareness = serializers.ChoiceField(choices=Contact.FamilyAwareness.choices)
    family_not_told_reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=LIMITS.reason
    )
    referrer = ReferrerFields(
        required=False,
        help_text="The professional at the partner who raised the concern. Screeners see "
        "their name, role, your agency, telephone number and email address on the contact, "
        "with links to call or email them: send a phone number or an email address, or the "
        "front door cannot reach them about it.",
    )

    def validate_received_at(self, value):
        return _django_validator(check_received_at)(value)

    def validate(self, attrs):
        people = [*attrs["children"], *attrs.get("adults", [])]
        try:
            check_nhs_numbers_distinct([person["nhs_number"] for person in people])
        except DjangoValidationError:
            raise serializers.ValidationError(
                {
                    "nhs_number": "Two people on this contact have the same NHS number: an "
                    "NHS number belongs to one person, so check both."
                }
            ) from None
        if (
            attrs["family_awareness"] != Contact.FamilyAwareness.AWARE_CONSENTED
            and not attrs["family_not_told_reason"].strip()
        ):
            raise serializers.ValidationError(
                {"family_not_told_reason": "Say why the family was not told or did not agree."}
            )
        self._validate_census_details(attrs)
        return attrs

    def _validate_census_details(self, attrs) -> None:
        """Codes are checked against the lists of the contact's return year, which only
        the whole contact knows (received_at), so here rather than on each child."""
        from django.utils import timezone

        year = services.census_return_year(attrs.get("received_at") or timezone.now())
        errors = {}
        for index, child in enumerate(attrs["children"]):
            try:
                child["ethnicity"], child["disabilities"] = services.census_details_clean(
                    ethnicity=child["ethnicity"], disabilities=child["disabilities"], year=year
                )
            except services.CensusDetailsInvalid as invalid:
                errors[str(index)] = {invalid.field_name: [str(invalid)]}
        if errors:
            raise serializers.ValidationError({"children": errors})

    def to_contact_input(self, *, agency) -> services.ContactInput:
        data = self.validated_data
        subjects = [
            services.SubjectInput(
                role=ContactSubject.Role.UNBORN_CHILD
                if child["unborn"]
                else ContactSubject.Role.CHILD,
                **person_fields(child),
                expected_date_of_birth=child.get("expected_date_of_birth"),
                unique_pupil_number=child["unique_pupil_number"],
                ethnicity=child["ethnicity"],
                disabilities=tuple(child["disabilities"]),
                **voice_input(child.get("voice")),
            )
            for child in data["children"]
        ] + [
            services.SubjectInput(
                role=adult["role"],
                **person_fields(adult),
                relationship_to_children=adult["relationship_to_children"],
            )
            for adult in data["adults"]
        ]
        referrer = data.get("referrer")
        return services.ContactInput(
            subjects=subjects,
            concerns=data["concerns"],
            concern_categories=data["concern_categories"],
            urgency=data["urgency"],
            family_awareness=data["family_awareness"],
            family_not_told_reason=data["family_not_told_reason"],
            referrer=services.ReferrerInput(
                name=referrer["name"],
                role=referrer["role"],
                organisation=agency.name if agency else "",
                phone=referrer["phone"],
                email=referrer["email"],
            )
            if referrer
            else None,
            received_at=data.get("received_at"),
        )


OUTCOME_HELP = (
    "The decision's route once the contact is decided; null until then, and for good "
    "once it is withdrawn (status `withdrawn`)."
)


# What the partner API says of any contact; each answer adds its own ``outcome``. (Comments,
# not docstrings: a serializer's docstring would become its description in the schema.)
class ContactFieldsSerializer(serializers.Serializer):
    reference = serializers.CharField()
    status = serializers.CharField(
        help_text="received, in_screening, awaiting_checks, awaiting_approval, decided, "
        "closed (a phone consultation that ended in advice) or withdrawn (ended before any "
        "decision: sent in error, a duplicate, the wrong local authority, or the concern "
        "withdrawn)."
    )
    status_label = serializers.CharField(source="get_status_display")
    received_at = serializers.DateTimeField()
    channel = serializers.CharField()
    children = serializers.SerializerMethodField(help_text="How many children it is about.")
    voices = serializers.SerializerMethodField(
        help_text="The child's voice as sent, for each child it was given for."
    )
    referrer = serializers.SerializerMethodField(
        help_text="Who sent it and how the front door can reach them, as recorded; null "
        "for an anonymous contact or one erased under the retention policy."
    )

    def get_children(self, contact) -> int:
        return len(children_of(contact))

    @extend_schema_field(ChildVoiceOutput(many=True))
    def get_voices(self, contact) -> list[dict]:
        return voices_of(contact)

    @extend_schema_field(ReferrerOutput(allow_null=True))
    def get_referrer(self, contact) -> dict | None:
        return referrer_of(contact)


# The answer to a submission: nothing is decided at receipt, so ``outcome`` is null here (a
# repeat send of the same key is answered so too). The read of a contact, in the app that
# knows decisions (``outcomes.api``), carries the decision's route.
class ContactOutputSerializer(ContactFieldsSerializer):
    outcome = serializers.SerializerMethodField(help_text=OUTCOME_HELP)

    def get_outcome(self, contact) -> dict | None:
        return None


class PartnerRateThrottle(SharedOrLocalRateThrottle):
    scope = "partner"


class ContactCreateApi(APIView):
    authentication_classes = [PartnerTokenAuthentication]
    permission_classes = [IsAuthenticated, scope_required(Scope.SUBMIT_CONTACTS)]
    throttle_classes = [PartnerRateThrottle]

    @extend_schema(
        operation_id="contacts_create",
        request=ContactInputSerializer,
        responses={
            201: ContactOutputSerializer,
            200: ContactOutputSerializer,
            **error_responses(400, 401, 403, 405, 406, 413, 415, 422, 429),
        },
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                location=OpenApiParameter.HEADER,
                required=True,
                description="Your own unique id for this submission (at most 100 characters). "
                "Sending it again with the same body returns the contact the first send "
                "created (200) instead of creating another; with a different body, 422 and "
                "nothing is recorded.",
            )
        ],
        summary="Submit a contact about one or more children",
    )
    def post(self, request):
        if not selectors.can_refer(request.user):
            raise PermissionDenied("This partner system may not submit contacts.")
        key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
        if not key or len(key) > 100:
            return Response(
                {
                    IDEMPOTENCY_HEADER: [
                        "Send a unique Idempotency-Key header of 1 to 100 characters."
                    ]
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        serializer = ContactInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            # contact_submit is one transaction of its own (a second around it would
            # cost two more statements per contact for a savepoint).
            contact, created = services.contact_submit(
                actor=request.user,
                referrer_account=request.user,
                data=serializer.to_contact_input(agency=request.user.agency),
                channel=serializer.validated_data["channel"],
                api_client=request.auth,
                idempotency_key=key,
                idempotency_body_sha256=body_sha256(request.data),
            )
        except services.IdempotencyKeyReused as reused:
            return Response({"detail": str(reused)}, status=status.HTTP_422_UNPROCESSABLE_ENTITY)
        return Response(
            ContactOutputSerializer(contact).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
