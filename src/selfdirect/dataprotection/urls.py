"""The data protection pages."""

from selfdirect.dataprotection import views

urlpatterns = [*views.urlpatterns]
