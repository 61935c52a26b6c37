from django.contrib import admin
from django.urls import include, path

from selfdirect.accounts import views as account_views
from selfdirect.api.api import api
from selfdirect.core import views as core_views
from selfdirect.portal import views as portal_views
from selfdirect.workspace import policy_views, waiting_views
from selfdirect.workspace import views as workspace_views

handler404 = "selfdirect.core.errors.not_found"
handler403 = "selfdirect.core.errors.forbidden"
handler500 = "selfdirect.core.errors.server_error"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accessibility/", core_views.accessibility, name="accessibility"),
    path("privacy/", core_views.privacy, name="privacy"),
    path("sign-in/", account_views.sign_in, name="sign-in"),
    path("sign-out/", account_views.sign_out, name="sign-out"),
    path("dashboard/", workspace_views.dashboard, name="dashboard"),
    path("authority/", workspace_views.authority_switch, name="authority-switch"),
    path("people/", workspace_views.people_search, name="people-search"),
    path("people/new/", workspace_views.person_create, name="person-create"),
    path("people/<int:pk>/", workspace_views.person_detail, name="person-detail"),
    path("people/<int:pk>/history/", workspace_views.person_history, name="person-history"),
    path("people/<int:pk>/edit/", workspace_views.person_edit, name="person-edit"),
    path("people/<int:pk>/needs/", workspace_views.person_needs, name="person-needs"),
    path("people/<int:pk>/preferences/", workspace_views.person_preferences,
         name="person-preferences"),
    path("people/<int:pk>/equality/", workspace_views.person_equality, name="person-equality"),
    path("people/<int:pk>/allocate/", workspace_views.person_allocate, name="person-allocate"),
    path("people/<int:pk>/relationships/new/", workspace_views.relationship_add,
         name="relationship-add"),
    path("people/<int:pk>/consent/new/", workspace_views.consent_add, name="consent-add"),
    path("settings/policy/", policy_views.policy_list, name="policy-list"),
    path("settings/policy/<str:key>/", policy_views.policy_detail, name="policy-detail"),
    path("waiting-list/", waiting_views.waiting_list_page, name="waiting-list"),
    path("referrals/public/", waiting_views.self_referral_list, name="self-referrals"),
    path("referrals/public/<int:pk>/", waiting_views.self_referral_detail,
         name="self-referral-detail"),
    path("my/", portal_views.portal_home, name="portal-home"),
    path("", include("selfdirect.assessments.urls")),
    path("", include("selfdirect.portal.urls")),
    path("", include("selfdirect.carers.urls")),
    path("", include("selfdirect.allocation.urls")),
    path("", include("selfdirect.charging.urls")),
    path("", include("selfdirect.planning.urls")),
    path("", include("selfdirect.providers.urls")),
    path("", include("selfdirect.spending.urls")),
    path("", include("selfdirect.payments.urls")),
    path("api/", api.urls),
    path("django-admin/", admin.site.urls),
]
