from django.apps import AppConfig


class ChargingConfig(AppConfig):
    name = "selfdirect.charging"
    label = "charging"
    verbose_name = "Financial assessment and charging"

    def ready(self) -> None:
        from selfdirect.charging import jobs, receivers, rules  # noqa: F401  (registers them)
