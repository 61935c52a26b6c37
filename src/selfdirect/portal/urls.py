"""The person's own pages and the public pages (mounted at /)."""

from django.urls import path

from selfdirect.portal import views

urlpatterns = [
    path("my/<id:pk>/what-matters/", views.what_matters, name="portal-what-matters"),
    path("my/<id:pk>/what-matters/outcomes/", views.what_matters_outcomes,
         name="portal-what-matters-outcomes"),
    path("my/<id:pk>/what-matters/check/", views.what_matters_check,
         name="portal-what-matters-check"),
    path("my/<id:pk>/assessments/", views.assessment_list, name="portal-assessments"),
    path("my/assessments/<id:assessment_id>/", views.assessment_detail,
         name="portal-assessment"),
    path("ask-for-support/", views.self_referral, name="self-referral"),
    path("ask-for-support/sent/", views.self_referral_sent, name="self-referral-sent"),
]
