from django.apps import AppConfig


class ProvidersConfig(AppConfig):
    name = "selfdirect.providers"
    label = "providers"
    verbose_name = "Providers and personal assistants"

    def ready(self) -> None:
        from selfdirect.providers import rules  # noqa: F401  (registers them)
