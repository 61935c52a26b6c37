from django.contrib import admin

from selfdirect.audit.models import AccessLog


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Read only, for everyone, superusers included: the log is append-only."""

    list_display = ("at", "user", "person_id", "outcome", "status", "channel", "path", "purpose")
    list_filter = ("outcome", "channel")
    readonly_fields = [f.name for f in AccessLog._meta.fields]

    def has_add_permission(self, request):  # the log is written by the platform only
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
