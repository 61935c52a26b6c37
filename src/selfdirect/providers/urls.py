"""The directory pages (``views.urlpatterns``)."""

from selfdirect.providers import views

urlpatterns = [*views.urlpatterns]
