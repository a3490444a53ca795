"""A person's alerts: how they are emailed, and marking them seen on the home page."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from outcomes.alerts import forms, selectors, services
from outcomes.models_alerts import AlertPreference


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    current = selectors.alert_delivery(user=request.user)
    form = forms.AlertPreferenceForm(
        request.POST if request.method == "POST" else None, initial={"delivery": current}
    )
    if request.method == "POST" and form.is_valid():
        delivery = AlertPreference.Delivery(form.cleaned_data["delivery"])
        services.alert_preference_set(actor=request.user, delivery=delivery)
        if delivery == AlertPreference.Delivery.DIGEST:
            messages.success(
                request,
                f"Your alerts will be emailed once a day, at {settings.ALERTS_DIGEST_TIME:%H:%M}.",
            )
        else:
            messages.success(request, "Your alerts will be emailed as each one happens.")
        return redirect("home")
    return render(
        request,
        "alerts/preferences.html",
        {
            "form": form,
            "show_errors": request.method == "POST",
            "digest_time": settings.ALERTS_DIGEST_TIME,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def seen(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = selectors.alert_get(user=request.user, alert_id=alert_id)
    services.alert_mark_seen(actor=request.user, alert=alert)
    return redirect("home")


@require_POST
def seen_all(request: HttpRequest) -> HttpResponse:
    count = services.alerts_mark_all_seen(actor=request.user)
    if count:
        messages.success(request, f"{count} alert{'s' if count != 1 else ''} marked as seen.")
    return redirect("home")
