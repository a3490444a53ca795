from django.contrib import admin

from screening.models import OnwardService, ThresholdLevel


@admin.register(ThresholdLevel)
class ThresholdLevelAdmin(admin.ModelAdmin):
    """Councils name and describe their own levels of need."""

    list_display = ["number", "name", "is_active"]

    def has_delete_permission(self, request, obj=None):
        return False  # Decisions refer to levels for ever; retire one with is_active.


@admin.register(OnwardService)
class OnwardServiceAdmin(admin.ModelAdmin):
    """The council's onward services under each route (docs/adr/0045)."""

    list_display = ["name", "route", "needs_consent", "is_active"]
    list_filter = ["route", "is_active", "needs_consent"]
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None):
        return False  # Decisions name services for ever; retire one with is_active.

    def get_readonly_fields(self, request, obj=None):
        """The route is fixed once a decision names the service (the model refuses
        the change too: ``OnwardService.save``)."""
        fixed = obj is not None and obj.route_is_fixed()
        return [*super().get_readonly_fields(request, obj), *(["route"] if fixed else [])]
