from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from selfdirect.outcomes.models import OutcomeTerm


@admin.register(OutcomeTerm)
class OutcomeTermAdmin(SimpleHistoryAdmin):
    """The taxonomy is national data: platform administrators add, rename or retire terms
    (codes are fixed once used, so nothing recorded against a term is lost)."""

    list_display = ("name", "framework_name", "group_name", "role", "country", "active")
    list_filter = ("framework", "role", "active")
    readonly_fields = ("code",)

    def get_readonly_fields(self, request, obj=None):
        return ("code",) if obj else ()
