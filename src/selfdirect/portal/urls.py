"""The person's own pages and the public pages (mounted at /)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
