from django.contrib import admin

from screening.models import ThresholdLevel


@admin.register(ThresholdLevel)
class ThresholdLevelAdmin(admin.ModelAdmin):
    """Councils name and describe their own levels of need."""

    list_display = ["number", "name", "is_active"]

    def has_delete_permission(self, request, obj=None):
        return False  # Decisions refer to levels for ever; retire one with is_active.
