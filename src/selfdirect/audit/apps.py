from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "selfdirect.audit"
    label = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        from selfdirect.audit import receivers  # noqa: F401  (registers them)
