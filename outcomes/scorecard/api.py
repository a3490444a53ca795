"""``GET /api/v1/scorecard/?period=2026-Q3``: the scorecard's figures as JSON, computed
by the same code as the page and the downloads."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from outcomes.scorecard import by_service, selectors
from outcomes.scorecard.definitions import maturing_until
from outcomes.scorecard.measures import Figures
from outcomes.scorecard.periods import Period, PeriodError
from outcomes.scorecard.tables import all_rows, card_figure_sets, headline_rows
from referrals.api import PartnerRateThrottle, error_responses
from referrals.api_scopes import scope_required
from referrals.authentication import PartnerTokenAuthentication
from referrals.models import Scope


class FigureSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Stable id: a measure, or '<breakdown>:<value>'.")
    measure = serializers.CharField()
    breakdown = serializers.CharField(allow_blank=True)
    kind = serializers.ChoiceField(choices=["count", "rate", "hours"])
    numerator = serializers.IntegerField(help_text="For hours: how many decisions.")
    denominator = serializers.IntegerField(allow_null=True)
    percent = serializers.FloatField(allow_null=True)
    working_hours = serializers.FloatField(allow_null=True, source="hours")
    still_maturing = serializers.BooleanField(
        help_text="A figure counted forward (repeat contacts not progressed: children who "
        "come back within 12 months) that can still rise, as its period ended less than "
        "12 months before the moment counted. `false` once final, and for every other "
        "figure."
    )
    maturing_until = serializers.DateField(
        allow_null=True,
        help_text="While still maturing, the last day the figure can still rise; null once final.",
    )


class PeriodSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField(help_text="The first day after the period.")


class AgencyFiguresSerializer(serializers.Serializer):
    agency = serializers.CharField()
    figures = FigureSerializer(many=True)


class TrendSerializer(serializers.Serializer):
    period = PeriodSerializer()
    figures = FigureSerializer(many=True)


class ScorecardSerializer(serializers.Serializer):
    period = PeriodSerializer()
    as_at = serializers.DateTimeField(
        help_text="The moment the figures count records as at: the one asked for (or now, "
        "for a moment still to come), or the latest kept count's when none was asked for. "
        "Send it back as as_at to get exactly these figures again."
    )
    kept = serializers.BooleanField(
        help_text="Whether these figures are a count kept at that moment (overnight, or "
        "a recount someone asked for) rather than one counted for this request."
    )
    figures = FigureSerializer(many=True)
    by_agency = AgencyFiguresSerializer(many=True)
    trend = TrendSerializer(many=True)


def _rows(figures: Figures, labels: dict[str, str], period: Period, as_at, services=None):
    return [
        {
            **_maturing(maturing_until(row.key, period, as_at)),
            "key": row.key,
            "measure": row.measure,
            "breakdown": row.breakdown,
            "kind": str(row.kind),
            "numerator": row.numerator,
            "denominator": row.denominator,
            "percent": None if row.percent is None else round(row.percent, 1),
            "hours": None if row.hours is None else round(row.hours, 1),
        }
        for row in all_rows(figures, labels, services)
    ]


def _maturing(until) -> dict:
    return {"still_maturing": until is not None, "maturing_until": until}


class ScorecardApi(APIView):
    authentication_classes = [PartnerTokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated, scope_required(Scope.READ_SCORECARD)]
    throttle_classes = [PartnerRateThrottle]

    @extend_schema(
        operation_id="scorecard_retrieve",
        parameters=[
            OpenApiParameter(
                "period",
                str,
                required=True,
                description=(
                    "A month (2026-07), a quarter (2026-Q3), a year (2026) or a financial "
                    "year, April to March (FY2025-26). The ways people write them are "
                    "taken too (July 2026, Q3 2026, 2025/26); the response gives the "
                    "period's key."
                ),
            ),
            OpenApiParameter(
                "as_at",
                str,
                required=False,
                description=(
                    "Count the records as they stood at this moment (ISO 8601, e.g. "
                    "2026-10-01T09:00:00+01:00; London time when no offset is given; a "
                    "moment still to come counts as now). Left out: the latest kept count. "
                    "The response's as_at says which moment was counted."
                ),
            ),
        ],
        responses={
            200: ScorecardSerializer,
            **error_responses(401, 403, 405, 406, 429),
            400: inline_serializer(
                "ScorecardError",
                {
                    "period": serializers.CharField(
                        required=False, help_text="Why the period could not be read."
                    ),
                    "as_at": serializers.CharField(
                        required=False, help_text="Why the moment could not be read."
                    ),
                    "detail": serializers.CharField(
                        required=False,
                        help_text="Why the request itself was refused (a null character "
                        "in the address, for one).",
                    ),
                },
            ),
        },
        summary="The steering-group scorecard for a period (aggregate figures only)",
    )
    def get(self, request):
        if not selectors.can_view_scorecard(request.user):
            raise PermissionDenied("This account may not read the scorecard.")
        try:
            period = Period.parse(request.query_params.get("period", ""))
        except PeriodError as error:
            return Response({"period": str(error)}, status=status.HTTP_400_BAD_REQUEST)
        try:
            as_at = selectors.as_at_parse(request.query_params.get("as_at", ""))
        except ValueError:
            return Response(
                {
                    "as_at": "Give the moment as an ISO 8601 date and time, "
                    "e.g. 2026-10-01T09:00:00+01:00."
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        card = selectors.scorecard_get(user=request.user, period=period, as_at=as_at)
        labels = card.source_labels
        services = by_service.labels_for(card_figure_sets(card))  # once, for every set

        def period_data(each: Period) -> dict:
            return {"key": each.key, "label": each.label, "start": each.start, "end": each.end}

        data = {
            "period": period_data(period),
            "as_at": card.as_at,
            "kept": card.kept is not None,
            "figures": _rows(card.figures, labels, period, card.as_at, services),
            "by_agency": [
                {
                    "agency": group.name,
                    "figures": _rows(figures, labels, period, card.as_at, services),
                }
                for group, figures in card.by_agency
            ],
            "trend": [
                {
                    "period": period_data(each),
                    "figures": [
                        row
                        for row in _rows(figures, labels, each, card.as_at, services)
                        if row["key"] in {r.key for r in headline_rows(figures)}
                    ],
                }
                for each, figures in card.trend
            ],
        }
        return Response(ScorecardSerializer(data).data)
