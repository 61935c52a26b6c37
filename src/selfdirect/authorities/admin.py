from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from selfdirect.authorities.models import Authority, StaffRole, Team


@admin.register(Authority)
class AuthorityAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "country")


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ("name", "authority")
    list_filter = ("authority",)


@admin.register(StaffRole)
class StaffRoleAdmin(SimpleHistoryAdmin):
    list_display = ("user", "authority", "role", "team", "active")
    list_filter = ("authority", "role", "active")
