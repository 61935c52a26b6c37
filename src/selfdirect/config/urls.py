from django.contrib import admin
from django.urls import include, path

from selfdirect.accounts import lockout_views, password_views, second_factor_views, token_views
from selfdirect.accounts import views as account_views
from selfdirect.api.api import api
from selfdirect.core import views as core_views
from selfdirect.portal import views as portal_views
from selfdirect.workspace import policy_views, waiting_views
from selfdirect.workspace import views as workspace_views

handler400 = "selfdirect.core.errors.bad_request"
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
    path("sign-in/forgotten-password/", password_views.password_reset, name="password-reset"),
    path("sign-in/forgotten-password/check-your-email/", password_views.password_reset_done,
         name="password-reset-done"),
    path("sign-in/password-changed/", password_views.password_reset_complete,
         name="password-reset-complete"),
    path("sign-in/new-password/<text:uidb64>/<text:token>/",
         password_views.password_reset_confirm, name="password-reset-confirm"),
    path("settings/sign-in-lockouts/", lockout_views.lockout_list, name="sign-in-lockouts"),
    path("settings/sign-in-lockouts/<id:pk>/unlock/", lockout_views.lockout_unlock,
         name="sign-in-lockout-unlock"),
    path("sign-in/authenticator-app/", second_factor_views.second_factor_verify,
         name="second-factor-verify"),
    path("sign-in/authenticator-app/recovery-code/", second_factor_views.second_factor_recovery,
         name="second-factor-recovery"),
    path("sign-in/authenticator-app/set-up/", second_factor_views.second_factor_enrol,
         name="second-factor-enrol"),
    path("account/authenticator-app/", second_factor_views.second_factor_status,
         name="second-factor"),
    path("account/authenticator-app/recovery-codes/", second_factor_views.second_factor_new_codes,
         name="second-factor-new-codes"),
    path("account/authenticator-app/replace/", second_factor_views.second_factor_replace,
         name="second-factor-replace"),
    path("account/authenticator-app/replace/new-app/",
         second_factor_views.second_factor_replace_new, name="second-factor-replace-new"),
    path("settings/authenticator-apps/", second_factor_views.second_factor_resets,
         name="second-factor-resets"),
    path("settings/authenticator-apps/<id:pk>/reset/",
         second_factor_views.second_factor_reset_confirm, name="second-factor-reset"),
    path("account/api-tokens/", token_views.token_list, name="token-list"),
    path("account/api-tokens/new/", token_views.token_create, name="token-create"),
    path("account/api-tokens/<id:pk>/", token_views.token_detail, name="token-detail"),
    path("account/api-tokens/<id:pk>/revoke/", token_views.token_revoke, name="token-revoke"),
    path("dashboard/", workspace_views.dashboard, name="dashboard"),
    path("authority/", workspace_views.authority_switch, name="authority-switch"),
    path("people/", workspace_views.people_search, name="people-search"),
    path("people/new/", workspace_views.person_create, name="person-create"),
    path("people/<id:pk>/", workspace_views.person_detail, name="person-detail"),
    path("people/<id:pk>/history/", workspace_views.person_history, name="person-history"),
    path("people/<id:pk>/edit/", workspace_views.person_edit, name="person-edit"),
    path("people/<id:pk>/needs/", workspace_views.person_needs, name="person-needs"),
    path("people/<id:pk>/preferences/", workspace_views.person_preferences,
         name="person-preferences"),
    path("people/<id:pk>/equality/", workspace_views.person_equality, name="person-equality"),
    path("people/<id:pk>/allocate/", workspace_views.person_allocate, name="person-allocate"),
    path("people/<id:pk>/relationships/new/", workspace_views.relationship_add,
         name="relationship-add"),
    path("people/<id:pk>/consent/new/", workspace_views.consent_add, name="consent-add"),
    path("settings/policy/", policy_views.policy_list, name="policy-list"),
    path("settings/policy/<text:key>/", policy_views.policy_detail, name="policy-detail"),
    path("waiting-list/", waiting_views.waiting_list_page, name="waiting-list"),
    path("referrals/public/", waiting_views.self_referral_list, name="self-referrals"),
    path("referrals/public/<id:pk>/", waiting_views.self_referral_detail,
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
    path("", include("selfdirect.dataprotection.urls")),
    path("", include("selfdirect.jobs.urls")),
    path("api/", api.urls),
    path("django-admin/", admin.site.urls),
]
