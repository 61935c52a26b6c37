from django.apps import AppConfig


class SpendingConfig(AppConfig):
    name = "selfdirect.spending"
    label = "spending"
    verbose_name = "Spending rules and spending requests"

    def ready(self) -> None:
        from selfdirect.spending import rules  # noqa: F401  (registers them)
