"""Staff pages for adult carer support plans (mounted at /)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
