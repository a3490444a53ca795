from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from frontdoor import views
from frontdoor.api_docs import api_docs
from outcomes.api import ContactWithOutcomeApi, OutcomeEventApi
from outcomes.api_events import EventFeedApi
from outcomes.scorecard.api import ScorecardApi

admin.site.site_header = "Front Door administration"
admin.site.site_title = "Front Door administration"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    # Open to the signed-out too: the inactivity timer posts here at the moment the
    # server's session may already have ended, and should still reach "signed out".
    path("sign-out/", login_not_required(auth_views.LogoutView.as_view()), name="sign-out"),
    path("signed-out/", views.signed_out, name="signed-out"),
    path("session/keep-alive/", views.keep_alive, name="keep-alive"),
    path("session/timed-out/", views.session_timed_out, name="session-timed-out"),
    path("account/two-factor/set-up/", views.two_factor_setup, name="two-factor-setup"),
    path("account/two-factor/", views.two_factor_verify, name="two-factor-verify"),
    path("account/phone/", views.account_phone, name="account-phone"),
    # Alerts: how they are emailed, and marking them seen (outcomes/alerts).
    path("account/alerts/", include("outcomes.alerts.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("referrals/", include("referrals.urls")),
    path("screening/", include("screening.urls")),
    path("outcomes/", include("outcomes.urls")),
    # The read of a contact carries its outcome, which the outcomes app adds.
    path(
        "api/v1/contacts/<str:reference>/",
        ContactWithOutcomeApi.as_view(),
        name="api-contact-detail",
    ),
    path("api/v1/outcome-events/", OutcomeEventApi.as_view(), name="api-outcome-events"),
    path("api/v1/events/", EventFeedApi.as_view(), name="api-events"),
    path("api/v1/scorecard/", ScorecardApi.as_view(), name="api-scorecard"),
    path("api/v1/", include("referrals.api_urls")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # A GOV.UK page made from the schema, under the site's own CSP (docs/adr/0018).
    path("api/v1/docs/", api_docs, name="api-docs"),
]

handler400 = "frontdoor.views.bad_request"
handler403 = "frontdoor.views.permission_denied"
handler500 = "frontdoor.views.server_error"
