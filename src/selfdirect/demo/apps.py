from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "selfdirect.demo"
    label = "demo"
    verbose_name = "Synthetic data"
