from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "selfdirect.workspace"
    label = "workspace"
    verbose_name = "Staff workspace"
