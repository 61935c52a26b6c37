"""Staff pages for referrals and assessments (mounted at /)."""

from django.urls import path

from selfdirect.assessments import views

A = "assessments/<id:assessment_id>/"

urlpatterns: list = [
    path("people/<id:pk>/referrals/new/", views.referral_new, name="referral-new"),
    path("people/<id:pk>/assessments/", views.assessment_list, name="assessment-list"),
    path(A, views.assessment_detail, name="assessment-detail"),
    path(A + "print/", views.assessment_print, name="assessment-print"),
    path(A + "edit/", views.assessment_edit, name="assessment-edit"),
    path(A + "conversations/new/", views.conversation_new, name="conversation-new"),
    path(A + "conversations/<id:conversation_id>/record/", views.conversation_record,
         name="conversation-record"),
    path(A + "conversations/<id:conversation_id>/cancel/", views.conversation_cancel,
         name="conversation-cancel"),
    path(A + "outcomes/new/", views.outcome_new, name="outcome-new"),
    path(A + "outcomes/<id:outcome_id>/edit/", views.outcome_edit, name="outcome-edit"),
    path(A + "outcomes/<id:outcome_id>/agree/", views.outcome_agree, name="outcome-agree"),
    path(A + "contributions/new/", views.contribution_new, name="contribution-new"),
    path(A + "risks/new/", views.risk_new, name="risk-new"),
    path(A + "eligibility/", views.eligibility, name="assessment-eligibility"),
    path(A + "complete/", views.assessment_complete, name="assessment-complete"),
    path(A + "sign-off/", views.assessment_sign_off, name="assessment-sign-off"),
    path(A + "service-started/", views.service_started, name="assessment-service-started"),
]
