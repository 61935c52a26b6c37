"""The budget pages. Each group of pages keeps its own ``urlpatterns`` beside its views."""

from django.urls import path

from selfdirect.allocation import calibration_views, costing_views, panel_views, ras_views, views

urlpatterns = [
    path("budgets/<int:budget_id>/", views.budget_detail, name="budget-detail"),
    *costing_views.urlpatterns,
    *panel_views.urlpatterns,
    *ras_views.urlpatterns,
    *calibration_views.urlpatterns,
]
