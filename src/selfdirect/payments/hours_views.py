"""Pages: filled in by its module owner."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
