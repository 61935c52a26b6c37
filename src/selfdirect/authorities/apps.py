from django.apps import AppConfig


class AuthoritiesConfig(AppConfig):
    name = "selfdirect.authorities"
    label = "authorities"
    verbose_name = "Authorities"
