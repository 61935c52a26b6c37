from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "selfdirect.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from selfdirect.core import converters

        converters.register()  # before any URLconf uses <id:…> or <text:…>
