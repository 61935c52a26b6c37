"""The budget pages. Each group of pages keeps its own ``urlpatterns`` beside its views."""

from django.urls import path

from selfdirect.allocation import calibration_views, costing_views, panel_views, ras_views, views

urlpatterns = [
    path("budgets/<id:budget_id>/", views.budget_detail, name="budget-detail"),
    path("budgets/<id:budget_id>/print/", views.budget_print, name="budget-print"),
    path("budgets/<id:budget_id>/adjust/", views.budget_adjust, name="budget-adjust"),
    path("budgets/<id:budget_id>/propose/", views.budget_propose, name="budget-propose"),
    path("budgets/<id:budget_id>/agree/", views.budget_agree, name="budget-agree"),
    path("assessments/<id:assessment_id>/budget/questions/",
         views.assessment_budget_questions, name="assessment-budget-questions"),
    path("people/<id:pk>/budgets/", views.person_budgets, name="person-budgets"),
    *costing_views.urlpatterns,
    *panel_views.urlpatterns,
    *ras_views.urlpatterns,
    *calibration_views.urlpatterns,
]
