"""Administrators' pages for a partner system's webhook endpoints: add, change the
address, pause and resume, delete; issue, rotate and revoke signing secrets; the
delivery log, each delivery's tries, and "replay from here". Every change goes through
``outcomes.handoff.endpoints`` (audited); every page about an endpoint fetches it with
its access function, ``outcomes.handoff.selectors.webhook_endpoint_get``."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from frontdoor.shown_once import keep_to_show, take_to_show
from outcomes import forms_handoff
from outcomes.handoff import endpoints as services
from outcomes.handoff import selectors
from referrals.models import Scope

SHOWN_ONCE = "webhook-secret"


def _endpoint_url(endpoint_id: int) -> str:
    return reverse("outcomes:webhook-endpoint", args=[endpoint_id])


def _show_secret_once(request: HttpRequest, endpoint_id: int, secret: str) -> HttpResponse:
    keep_to_show(request, SHOWN_ONCE, owner=endpoint_id, value=secret)
    return redirect("outcomes:webhook-secret", endpoint_id=endpoint_id)


def _refused(form, refused: services.WebhookRefused) -> None:
    form.add_error(refused.field if refused.field in form.fields else None, str(refused))


@require_http_methods(["GET"])
def webhook_endpoints(request: HttpRequest, client_id: int) -> HttpResponse:
    client, endpoints = selectors.webhook_endpoints_of(user=request.user, client_id=client_id)
    return render(
        request,
        "outcomes/handoff/endpoints.html",
        {
            "client": client,
            "endpoints": endpoints,
            "may_receive": Scope.RECEIVE_EVENTS in client.scopes,
            "scope_label": Scope.RECEIVE_EVENTS.label,
        },
    )


@require_http_methods(["GET", "POST"])
def webhook_endpoint_add(request: HttpRequest, client_id: int) -> HttpResponse:
    client, _ = selectors.webhook_endpoints_of(user=request.user, client_id=client_id)
    form = forms_handoff.EndpointForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = services.webhook_endpoint_create(
                actor=request.user, client=client, url=form.cleaned_data["url"]
            )
        except services.WebhookRefused as refused:
            _refused(form, refused)
        else:
            return _show_secret_once(request, endpoint.pk, secret)
    return render(
        request,
        "outcomes/handoff/endpoint_form.html",
        {
            "form": form,
            "client": client,
            "heading": "Add a webhook endpoint",
            "button": "Add the endpoint and issue its secret",
            "back": reverse("outcomes:webhook-endpoints", args=[client.pk]),
            "may_receive": Scope.RECEIVE_EVENTS in client.scopes,
            "scope_label": Scope.RECEIVE_EVENTS.label,
        },
    )


@require_http_methods(["GET"])
def webhook_endpoint(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = selectors.webhook_endpoint_get(user=request.user, endpoint_id=endpoint_id)
    shown = request.GET.get("shown", "")
    shown = shown if shown in selectors.LOG_FILTERS else ""
    page = selectors.delivery_log(endpoint=endpoint, shown=shown, page=request.GET.get("page"))
    secrets = selectors.secrets_of(endpoint)
    return render(
        request,
        "outcomes/handoff/endpoint.html",
        {
            "endpoint": endpoint,
            "client": endpoint.client,
            "secrets": secrets,
            "signing": [secret for secret in secrets if secret.state_words == selectors.SIGNING],
            "counts": selectors.delivery_counts(endpoint),
            "page": page,
            "shown": shown,
            "shown_label": selectors.LOG_FILTERS[shown][0] if shown else "",
            "filters": [
                (key, label, key == shown) for key, (label, _) in selectors.LOG_FILTERS.items()
            ],
            "query": urlencode({"shown": shown}) if shown else "",
            "system_may_receive": Scope.RECEIVE_EVENTS in endpoint.client.scopes,
        },
    )


@never_cache
@require_http_methods(["GET"])
def webhook_secret(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = selectors.webhook_endpoint_get(user=request.user, endpoint_id=endpoint_id)
    secret = take_to_show(request, SHOWN_ONCE, owner=endpoint.pk)
    if secret is None:
        messages.info(
            request,
            "A signing secret is shown only once, when it is issued. If it was not stored, "
            "issue a new one.",
        )
        return redirect(_endpoint_url(endpoint.pk))
    return render(
        request,
        "outcomes/handoff/secret.html",
        {"endpoint": endpoint, "client": endpoint.client, "secret": secret},
    )


@require_http_methods(["GET", "POST"])
def webhook_endpoint_change(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = selectors.webhook_endpoint_get(user=request.user, endpoint_id=endpoint_id)
    form = forms_handoff.EndpointForm(
        request.POST if request.method == "POST" else None, initial={"url": endpoint.url}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.webhook_endpoint_change_url(
                actor=request.user, endpoint=endpoint, url=form.cleaned_data["url"]
            )
        except services.WebhookRefused as refused:
            _refused(form, refused)
        else:
            messages.success(request, "The address has been changed: the next try goes there.")
            return redirect(_endpoint_url(endpoint.pk))
    return render(
        request,
        "outcomes/handoff/endpoint_form.html",
        {
            "form": form,
            "client": endpoint.client,
            "endpoint": endpoint,
            "heading": "Change the endpoint's address",
            "button": "Save the address",
            "back": _endpoint_url(endpoint.pk),
            "may_receive": True,
        },
    )


@require_POST
def webhook_endpoint_active(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = selectors.webhook_endpoint_get(user=request.user, endpoint_id=endpoint_id)
    active = request.POST.get("active") == "yes"
    try:
        services.webhook_endpoint_set_active(actor=request.user, endpoint=endpoint, active=active)
    except services.WebhookRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            "The endpoint is resumed: what waited is being sent, in order."
            if active
            else "The endpoint is paused: its events are kept and wait until you resume it.",
        )
    return redirect(_endpoint_url(endpoint.pk))


@require_http_methods(["GET", "POST"])
def webhook_secret_rotate(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = selectors.webhook_endpoint_get(user=request.user, endpoint_id=endpoint_id)
    signing = [s for s in selectors.secrets_of(endpoint) if s.state_words == selectors.SIGNING]
    form = forms_handoff.RotateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and (not signing or form.is_valid()):
        try:
            _, secret = services.webhook_secret_rotate(
                actor=request.user,
                endpoint=endpoint,
                grace=form.grace_period() if signing else timedelta(0),
            )
        except services.WebhookRefused as refused:
            _refused(form, refused)
        else:
            return _show_secret_once(request, endpoint.pk, secret)
    return render(
        request,
        "outcomes/handoff/rotate.html",
        {"endpoint": endpoint, "client": endpoint.client, "form": form, "signing": signing},
    )


@require_http_methods(["GET", "POST"])
def webhook_secret_revoke(request: HttpRequest, endpoint_id: int, secret_id: int) -> HttpResponse:
    secret = selectors.webhook_secret_get(
        user=request.user, endpoint_id=endpoint_id, secret_id=secret_id
    )
    if request.method == "POST":
        services.webhook_secret_revoke(actor=request.user, secret=secret)
        messages.success(
            request, f"Secret {secret.prefix}… has been revoked: it signs nothing from now on."
        )
        return redirect(_endpoint_url(endpoint_id))
    others = [
        s
        for s in selectors.secrets_of(secret.endpoint)
        if s.pk != secret.pk and s.state_words in selectors.USABLE
    ]
    return render(
        request,
        "outcomes/handoff/revoke.html",
        {
            "endpoint": secret.endpoint,
            "client": secret.endpoint.client,
            "secret": secret,
            "last_one": not others,
        },
    )


@require_http_methods(["GET"])
def webhook_delivery(request: HttpRequest, endpoint_id: int, delivery_id: int) -> HttpResponse:
    delivery = selectors.webhook_delivery_get(
        user=request.user, endpoint_id=endpoint_id, delivery_id=delivery_id
    )
    delivery.behind_failed = selectors.delivery_waits_behind_failed(delivery)
    return render(
        request,
        "outcomes/handoff/delivery.html",
        {
            "delivery": delivery,
            "endpoint": delivery.endpoint,
            "client": delivery.endpoint.client,
            "attempts": selectors.delivery_attempts(delivery),
        },
    )


@require_http_methods(["GET", "POST"])
def webhook_delivery_replay(
    request: HttpRequest, endpoint_id: int, delivery_id: int
) -> HttpResponse:
    delivery = selectors.webhook_delivery_get(
        user=request.user, endpoint_id=endpoint_id, delivery_id=delivery_id
    )
    if request.method == "POST":
        try:
            count = services.delivery_replay_from(actor=request.user, delivery=delivery)
        except services.WebhookRefused as refused:
            messages.error(request, str(refused))
            return redirect(
                "outcomes:webhook-delivery", endpoint_id=endpoint_id, delivery_id=delivery_id
            )
        paused = "" if delivery.endpoint.is_active else " They wait until you resume the endpoint."
        deliveries = "1 delivery is" if count == 1 else f"{count} deliveries are"
        messages.success(request, f"{deliveries} being sent again, in order.{paused}")
        return redirect(_endpoint_url(endpoint_id))
    return render(
        request,
        "outcomes/handoff/replay.html",
        {
            "delivery": delivery,
            "endpoint": delivery.endpoint,
            "client": delivery.endpoint.client,
            "count": services.delivery_replay_count(delivery=delivery),
        },
    )


@require_http_methods(["GET", "POST"])
def webhook_endpoint_delete(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = selectors.webhook_endpoint_get(user=request.user, endpoint_id=endpoint_id)
    if request.method == "POST":
        try:
            left = services.webhook_endpoint_delete(actor=request.user, endpoint=endpoint)
        except services.WebhookRefused as refused:  # deleted meanwhile, by someone else
            messages.error(request, str(refused))
            return redirect("outcomes:webhook-endpoints", client_id=endpoint.client_id)
        unsent = (
            f" {left} waiting deliver{'y was' if left == 1 else 'ies were'} not sent."
            if left
            else ""
        )
        messages.success(request, f"The endpoint {endpoint.url} has been deleted.{unsent}")
        return redirect("outcomes:webhook-endpoints", client_id=endpoint.client_id)
    return render(
        request,
        "outcomes/handoff/delete.html",
        {
            "endpoint": endpoint,
            "client": endpoint.client,
            "counts": selectors.delivery_counts(endpoint),
        },
    )
