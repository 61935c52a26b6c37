"""The charging pages. Each group of pages keeps its own ``urlpatterns`` beside its views."""

from selfdirect.charging import assessment_views, views

urlpatterns = [
    *views.urlpatterns,
    *assessment_views.urlpatterns,
]
