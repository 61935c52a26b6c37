from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "selfdirect.people"
    label = "people"
    verbose_name = "People"
