from typing import Any

from axes.models import AccessAttempt, AccessFailureLog
from axes.models import AccessLog as SignInLog
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from selfdirect.accounts.models import ApiToken, SignInEvent, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), ("Preferences", {"fields": ("preferred_name",)}))


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("digest",)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records the Django admin shows and never changes: sign-in attempts and lockouts are
    ended on the administrators' "Sign-in lockouts" page, which records who did it."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SignInEvent)
class SignInEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "kind", "username", "ip_address", "account", "actor")
    list_filter = ("kind",)
    search_fields = ("username",)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(ReadOnlyAdmin):
    list_display = ("attempt_time", "username", "ip_address", "failures_since_start", "path_info")
    search_fields = ("username", "ip_address")


@admin.register(AccessFailureLog)
class AccessFailureLogAdmin(ReadOnlyAdmin):
    list_display = ("attempt_time", "username", "ip_address", "locked_out", "path_info")
    list_filter = ("locked_out",)
    search_fields = ("username", "ip_address")


@admin.register(SignInLog)
class SignInLogAdmin(ReadOnlyAdmin):
    list_display = ("attempt_time", "username", "ip_address", "logout_time")
    search_fields = ("username", "ip_address")
