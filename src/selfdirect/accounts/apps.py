from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "selfdirect.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Records each sign-in lockout as axes reports it (``user_locked_out``).
        from selfdirect.accounts import lockouts  # noqa: F401
