"""The payments pages, one module for each area (``<area>_views.urlpatterns``)."""

from selfdirect.payments import (
    hours_views,
    monitoring_views,
    person_views,
    reconciliation_views,
    recovery_views,
    run_views,
    switch_views,
)

urlpatterns = [*run_views.urlpatterns, *person_views.urlpatterns, *hours_views.urlpatterns,
               *monitoring_views.urlpatterns, *recovery_views.urlpatterns,
               *switch_views.urlpatterns, *reconciliation_views.urlpatterns]
