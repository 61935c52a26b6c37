"""The planning pages. Each group of pages keeps its own ``urlpatterns`` beside its views."""

from selfdirect.planning import plan_views, referral_views, views

urlpatterns = [*views.urlpatterns, *plan_views.urlpatterns, *referral_views.urlpatterns]
