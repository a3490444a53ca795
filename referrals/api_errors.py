"""The partner API's error answers, as its OpenAPI description gives them: one place for
every API view (referrals, outcomes and the events feed) to name the errors it can give."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from frontdoor.limits import LIMITS, in_megabytes


class ProblemSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in words a person can act on.")


_ERRORS = {
    400: OpenApiResponse(
        OpenApiTypes.OBJECT,
        description="Something sent was not right: each field (or header) with its messages.",
    ),
    401: OpenApiResponse(ProblemSerializer, description="No token, or not a valid one."),
    403: OpenApiResponse(ProblemSerializer, description="This account may not do this."),
    404: OpenApiResponse(
        ProblemSerializer, description="No such record, or not one this account may see."
    ),
    405: OpenApiResponse(ProblemSerializer, description="That method is not offered here."),
    406: OpenApiResponse(ProblemSerializer, description="Only JSON is offered."),
    413: OpenApiResponse(
        ProblemSerializer,
        description="The body is larger than "
        f"{in_megabytes(LIMITS.request_body_bytes)}: nothing was read or saved.",
    ),
    415: OpenApiResponse(ProblemSerializer, description="Send JSON."),
    422: OpenApiResponse(
        ProblemSerializer,
        description="This Idempotency-Key was used before with a different body: nothing "
        "was recorded. Send a new concern with a new key.",
    ),
    429: OpenApiResponse(ProblemSerializer, description="Too many requests: wait, then retry."),
}


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """The error answers an operation can give, for its OpenAPI description."""
    return {code: _ERRORS[code] for code in codes}
