from django.urls import path

from selfdirect.allocation import views

urlpatterns = [
    path("budgets/<int:budget_id>/", views.budget_detail, name="budget-detail"),
]
