"""The planning pages."""

from selfdirect.planning import views

urlpatterns = [*views.urlpatterns]
