from django.apps import AppConfig


class DataprotectionConfig(AppConfig):
    name = "selfdirect.dataprotection"
    label = "dataprotection"
    verbose_name = "Data protection: subject access and retention"

    def ready(self) -> None:
        from selfdirect.dataprotection import jobs, registry, rules  # noqa: F401  (registers them)

        # Every installed app's subject_access.py adds its section to the registry.
        registry.autodiscover()
