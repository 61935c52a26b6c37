"""The spending pages."""

from selfdirect.spending import views

urlpatterns = [*views.urlpatterns]
