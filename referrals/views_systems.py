"""Administrators' pages for partner systems: create, rename, change what a system may
do, disable, delete; issue, rotate and revoke its tokens. Every change goes through
``referrals.services`` (audited); every page fetches the system with its access
function, ``selectors_api_clients.api_client_get``."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from frontdoor.shown_once import keep_to_show, take_to_show
from referrals import forms_systems, services
from referrals import selectors_api_clients as selectors

SHOWN_ONCE = "partner-system-token"


def _system_url(client_id: int) -> str:
    return reverse("referrals:system", args=[client_id])


def _show_token_once(request: HttpRequest, client_id: int, token: str) -> HttpResponse:
    keep_to_show(request, SHOWN_ONCE, owner=client_id, value=token)
    return redirect("referrals:system-token", client_id=client_id)


@require_http_methods(["GET"])
def systems(request: HttpRequest) -> HttpResponse:
    clients = list(selectors.api_clients_for(user=request.user))
    return render(request, "referrals/systems/list.html", {"clients": clients})


@require_http_methods(["GET", "POST"])
def system_add(request: HttpRequest) -> HttpResponse:
    accounts = selectors.service_accounts(user=request.user)
    form = forms_systems.SystemCreateForm(
        request.POST if request.method == "POST" else None, accounts=accounts
    )
    if request.method == "POST" and form.is_valid():
        try:
            client, token = services.api_client_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                account=form.cleaned_data["account"],
                scopes=form.cleaned_data["scopes"],
            )
        except services.ApiClientRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, str(refused))
        else:
            return _show_token_once(request, client.pk, token)
    return render(
        request,
        "referrals/systems/form.html",
        {
            "form": form,
            "heading": "Add a partner system",
            "button": "Add the system and issue its token",
            "back": reverse("referrals:systems"),
            "no_accounts": not accounts.exists(),
        },
    )


@require_http_methods(["GET"])
def system(request: HttpRequest, client_id: int) -> HttpResponse:
    client = selectors.api_client_get(user=request.user, client_id=client_id)
    return render(request, "referrals/systems/detail.html", {"client": client})


@never_cache
@require_http_methods(["GET"])
def system_token(request: HttpRequest, client_id: int) -> HttpResponse:
    client = selectors.api_client_get(user=request.user, client_id=client_id)
    token = take_to_show(request, SHOWN_ONCE, owner=client.pk)
    if token is None:
        messages.info(
            request,
            "A token is shown only once, when it is issued. If it was not stored, "
            "rotate the token to issue a new one.",
        )
        return redirect(_system_url(client.pk))
    return render(request, "referrals/systems/token.html", {"client": client, "token": token})


@require_http_methods(["GET", "POST"])
def system_change(request: HttpRequest, client_id: int) -> HttpResponse:
    client = selectors.api_client_get(user=request.user, client_id=client_id)
    form = forms_systems.SystemForm(
        request.POST if request.method == "POST" else None,
        initial={"name": client.name, "scopes": client.scopes},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.api_client_change(
                actor=request.user,
                client=client,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
            )
        except services.ApiClientRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, str(refused))
        else:
            messages.success(request, "The partner system has been changed.")
            return redirect(_system_url(client.pk))
    return render(
        request,
        "referrals/systems/form.html",
        {
            "form": form,
            "client": client,
            "heading": "Change the partner system",
            "button": "Save the changes",
            "back": _system_url(client.pk),
        },
    )


@require_POST
def system_active(request: HttpRequest, client_id: int) -> HttpResponse:
    client = selectors.api_client_get(user=request.user, client_id=client_id)
    active = request.POST.get("active") == "yes"
    services.api_client_set_active(actor=request.user, client=client, active=active)
    messages.success(
        request,
        f"{client.name} is enabled: its tokens work again."
        if active
        else f"{client.name} is disabled: its tokens are refused until it is enabled.",
    )
    return redirect(_system_url(client.pk))


@require_http_methods(["GET", "POST"])
def system_delete(request: HttpRequest, client_id: int) -> HttpResponse:
    client = selectors.api_client_get(user=request.user, client_id=client_id)
    if request.method == "POST":
        services.api_client_delete(actor=request.user, client=client)
        messages.success(request, f"{client.name} has been deleted and its tokens revoked.")
        return redirect("referrals:systems")
    return render(request, "referrals/systems/delete.html", {"client": client})


@require_http_methods(["GET", "POST"])
def system_rotate(request: HttpRequest, client_id: int) -> HttpResponse:
    client = selectors.api_client_get(user=request.user, client_id=client_id)
    in_use = [token for token in client.tokens.all() if token.is_usable()]
    form = forms_systems.RotateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and (not in_use or form.is_valid()):
        try:
            _, token = services.api_token_issue(
                actor=request.user,
                client=client,
                grace=form.grace_period() if in_use else None,
            )
        except services.ApiClientRefused as refused:
            form.add_error(None, str(refused))
        else:
            return _show_token_once(request, client.pk, token)
    return render(
        request,
        "referrals/systems/rotate.html",
        {"client": client, "form": form, "in_use": in_use},
    )


@require_http_methods(["GET", "POST"])
def token_revoke(request: HttpRequest, client_id: int, token_id: int) -> HttpResponse:
    token = selectors.api_token_get(user=request.user, client_id=client_id, token_id=token_id)
    if request.method == "POST":
        services.api_token_revoke(actor=request.user, token=token)
        messages.success(request, f"Token {token} has been revoked: it is refused from now on.")
        return redirect(_system_url(client_id))
    return render(
        request, "referrals/systems/revoke.html", {"client": token.client, "token": token}
    )
