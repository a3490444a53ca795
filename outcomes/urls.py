"""URLs of this app (see models.py for what it holds)."""

app_name = "outcomes"
urlpatterns: list = []
