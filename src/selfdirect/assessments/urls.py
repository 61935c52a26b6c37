"""Staff pages for referrals and assessments (mounted at /)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
