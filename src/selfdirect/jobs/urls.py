"""The background jobs' pages."""

from selfdirect.jobs import views

urlpatterns = [*views.urlpatterns]
