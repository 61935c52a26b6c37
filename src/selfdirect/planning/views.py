"""The four options and the person's choice (being built)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
