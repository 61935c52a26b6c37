"""Staff pages for adult carer support plans (mounted at /)."""

from django.urls import path

from . import views

urlpatterns = [
    path("people/<id:pk>/carers/identify/", views.carer_identify, name="carer-identify"),
    path("carers/offers/<id:pk>/", views.carer_offer, name="carer-offer"),
    path("carers/plans/<id:pk>/", views.carer_plan, name="carer-plan"),
    path("carers/plans/<id:pk>/outcomes/new/", views.carer_plan_outcome_add,
         name="carer-plan-outcome-add"),
    path("carers/plans/<id:pk>/eligibility/", views.carer_plan_eligibility,
         name="carer-plan-eligibility"),
    path("carers/plans/<id:pk>/agree/", views.carer_plan_agree, name="carer-plan-agree"),
    path("carers/plans/<id:pk>/<slug:section>/", views.carer_plan_section,
         name="carer-plan-section"),
    path("waiting-list/carers/", views.carers_waiting_list, name="carers-waiting-list"),
]
