from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "selfdirect.portal"
    label = "portal"
    verbose_name = "Person's portal"
