from django.apps import AppConfig


class CarersConfig(AppConfig):
    name = "selfdirect.carers"
    label = "carers"
    verbose_name = "Carers"
