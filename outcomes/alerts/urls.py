from django.urls import path

from outcomes.alerts import views

app_name = "alerts"

urlpatterns = [
    path("", views.preferences, name="preferences"),
    path("seen/", views.seen_all, name="seen-all"),
    path("<int:alert_id>/seen/", views.seen, name="seen"),
]
