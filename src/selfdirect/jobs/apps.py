from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "selfdirect.jobs"
    label = "jobs"
    verbose_name = "Background jobs"

    def ready(self) -> None:
        from selfdirect.jobs import rules  # noqa: F401  (registers them)
