from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from frontdoor import views

admin.site.site_header = "Front Door administration"
admin.site.site_title = "Front Door administration"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="sign-out"),
    path("signed-out/", views.signed_out, name="signed-out"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("referrals/", include("referrals.urls")),
    path("screening/", include("screening.urls")),
    path("outcomes/", include("outcomes.urls")),
]
