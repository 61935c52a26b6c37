from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "selfdirect.planning"
    label = "planning"
    verbose_name = "Choice and support planning"

    def ready(self) -> None:
        from selfdirect.planning import rules  # noqa: F401  (registers the permissions)
