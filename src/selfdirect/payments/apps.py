from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "selfdirect.payments"
    label = "payments"
    verbose_name = "Payments: the ledger, direct payments and provider payments"

    def ready(self) -> None:
        from selfdirect.payments import jobs, receivers, rules  # noqa: F401  (registers them)
