from django.apps import AppConfig


class AllocationConfig(AppConfig):
    name = "selfdirect.allocation"
    label = "allocation"
    verbose_name = "Resource allocation"

    def ready(self) -> None:
        from selfdirect.allocation import jobs  # noqa: F401  (registers the recalculation job)
