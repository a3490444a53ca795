from urllib.parse import quote, urlencode, urlsplit

import segno
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from frontdoor import page_parts, selectors, two_factor
from frontdoor.errors import RecordRestricted
from frontdoor.forms import SignInForm
from frontdoor.services import user_phone_set
from frontdoor.sessions import session_refresh


class SignInView(auth_views.LoginView):
    template_name = "auth/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True


@login_not_required
@require_GET
def signed_out(request: HttpRequest) -> HttpResponse:
    """Says the user is signed out. Signing out itself is only ever a POST (a link or an
    image on another site must not end someone's session): the inactivity timer posts
    the sign-out form, and the server's own session expiry does the rest."""
    return render(request, "auth/signed_out.html", {"timed_out": bool(request.GET.get("timeout"))})


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on its own page; someone with no role is told what to do."""
    role = selectors.user_primary_role(user=request.user)
    context = {
        "roles": selectors.user_roles(user=request.user),
        "has_authenticator": two_factor.confirmed_device(request.user) is not None,
        "uses_authenticator": two_factor.uses_authenticator(request.user),
    }
    if role is None:
        return render(request, "home/no_role.html", context)
    context.update(page_parts.context_for(page_parts.HOME, user=request.user))
    if role == role.ADMINISTRATOR:
        context["agencies"] = selectors.agencies_with_user_counts(user=request.user)
        context["role_counts"] = selectors.role_membership_counts(user=request.user)
    return render(request, f"home/{role.value}.html", context)


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = selectors.service_health()
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    """400, or 413 when Django refused a body as too large: JSON on the partner API, a
    GOV.UK page elsewhere (never Django's bare "Bad Request")."""
    from django.core.exceptions import RequestDataTooBig
    from django.template import loader

    from frontdoor.limits import limits
    from frontdoor.middleware import too_large_response

    if isinstance(exception, RequestDataTooBig):
        return too_large_response(request, limits().request_body_bytes)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "The request could not be read."}, status=400)
    return HttpResponse(loader.get_template("400.html").render({}), status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    """The error page, with the request id so a report can be matched to the logs."""
    from frontdoor.errors import error_page_html

    return HttpResponse(error_page_html(request), status=500)


@require_POST
def keep_alive(request: HttpRequest) -> HttpResponse:
    """ "Stay signed in", or typing in a form: any signed-in request pushes the session's
    expiry on. (Anything else, such as a redirect to sign in, tells the browser's timer
    that the session has already ended.)"""
    # Written whether or not it is due: the browser's timer starts again in full.
    session_refresh(request, always=True)
    return HttpResponse(status=204)


@login_not_required
@require_POST
def session_timed_out(request: HttpRequest) -> HttpResponse:
    """The browser's inactivity timer ran out, after keeping what was typed on the page
    (docs/adr/0015): end the session and say so, with a way to sign in again that comes
    back to that page. Open without a session, as the server's may have ended first (a
    laptop asleep); CSRF still applies."""
    logout(request)
    target = f"{reverse('signed-out')}?timeout=1"
    parts = urlsplit(request.POST.get("next", ""))
    back = parts.path
    if (
        back.startswith("/")
        and not (parts.scheme or parts.netloc)
        and url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        # A path only: references, never what was typed.
        target += "&" + urlencode({"next": back})
    return redirect(target)


def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Add an authenticator app by scanning a QR code, then prove it with a code. Once an
    app is confirmed, this page replaces it only in a session verified with it, and only
    with a code from it as well as from the new one."""
    from frontdoor.forms import TwoFactorSetupForm

    if not two_factor.setup_allowed(request):
        return redirect(f"{reverse('two-factor-verify')}?next={quote(request.get_full_path())}")
    replacing = two_factor.confirmed_device(request.user) is not None
    device = two_factor.pending_device(user=request.user)
    form = TwoFactorSetupForm(request.POST or None, replacing=replacing)
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.device_confirm(
                request=request,
                device=device,
                token=form.cleaned_data["code"],
                current_token=form.cleaned_data.get("current_code"),
            )
        except two_factor.CodeRefused as refused:
            form.add_error(refused.field, str(refused))
        else:
            if replacing:
                messages.success(request, "Your new authenticator app is set up")
            return redirect(two_factor.safe_next(request))
    qr = segno.make(two_factor.provisioning_uri(device), error="m")
    return render(
        request,
        "auth/two_factor_setup.html",
        {
            "form": form,
            "replacing": replacing,
            # segno writes the SVG itself from the URI; nothing user-typed is in it.
            "qr_svg": mark_safe(  # noqa: S308
                qr.svg_inline(scale=5, title="QR code to scan with your authenticator app")
            ),
            "secret": two_factor.secret_for_typing(device),
            "next": two_factor.safe_next(request),
        },
    )


def two_factor_verify(request: HttpRequest) -> HttpResponse:
    from frontdoor.forms import TwoFactorCodeForm

    if two_factor.confirmed_device(request.user) is None:
        return redirect(f"{reverse('two-factor-setup')}?next={two_factor.safe_next(request)}")
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.verify(request=request, token=form.cleaned_data["code"])
        except two_factor.CodeRefused as refused:
            form.add_error("code", str(refused))
        else:
            return redirect(two_factor.safe_next(request))
    return render(
        request,
        "auth/two_factor_verify.html",
        {"form": form, "next": two_factor.safe_next(request)},
    )


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    """403. A restricted record says it exists and whom to ask; the refusal is logged."""
    from frontdoor.audit import audit_record
    from frontdoor.models import AuditEvent

    if isinstance(exception, RecordRestricted):
        restriction = exception.restriction
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.VIEW,
            record_type="contact" if restriction.contact_id else "person",
            record_id=restriction.contact.reference
            if restriction.contact_id
            else restriction.person_id,
            request=request,
            detail={"refused": "restricted", "restriction": restriction.pk},
        )
        return render(request, "restricted.html", {"ask": restriction.ask}, status=403)
    return render(request, "403.html", status=403)


@require_http_methods(["GET", "POST"])
def account_phone(request: HttpRequest) -> HttpResponse:
    """Anyone signed in keeps their own phone number, shown to the front door on every
    contact they send (templates/referrals/_referrer.html)."""
    from frontdoor.forms import PhoneForm

    # An empty POST is bound too: it removes the number.
    form = PhoneForm(
        request.POST if request.method == "POST" else None, initial={"phone": request.user.phone}
    )
    if request.method == "POST" and form.is_valid():
        user_phone_set(actor=request.user, phone=form.cleaned_data["phone"])
        if form.cleaned_data["phone"]:
            messages.success(request, f"Your telephone number is now {form.cleaned_data['phone']}.")
        else:
            messages.success(request, "Your telephone number has been removed.")
        return redirect("home")
    return render(
        request,
        "auth/account_phone.html",
        {"form": form, "show_errors": request.method == "POST"},
        status=400 if request.method == "POST" else 200,
    )
