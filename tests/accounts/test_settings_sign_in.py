"""Sign-in protection and email are set from the environment; bad values are named."""

from __future__ import annotations

from tests.test_settings import _manage

PRINT = ("from django.conf import settings as s; "
         "print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds(), s.EMAIL_BACKEND, "
         "s.PASSWORD_RESET_TIMEOUT, s.AXES_IPWARE_META_PRECEDENCE_ORDER)")
PRODUCTION = {"SELFDIRECT_ENV": "production", "ALLOWED_HOSTS": "selfdirect.example.org",
              "SECRET_KEY": "a-long-random-production-key-" + "x" * 40}


def _settings(**env: str) -> str:
    result = _manage("shell", "--no-imports", "-c", PRINT, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_development_defaults_print_mail_on_the_console():
    assert _settings() == ("10 1800.0 django.core.mail.backends.console.EmailBackend 7200 "
                           "['REMOTE_ADDR']")


def test_the_environment_sets_the_limit_the_cool_off_the_mail_server_and_the_proxy():
    assert _settings(SIGN_IN_FAILURE_LIMIT="5", SIGN_IN_COOLOFF_MINUTES="60",
                     EMAIL_HOST="smtp.example.org", PASSWORD_RESET_TIMEOUT_MINUTES="30",
                     SIGN_IN_CLIENT_IP_HEADERS="HTTP_X_REAL_IP") == (
        "5 3600.0 django.core.mail.backends.smtp.EmailBackend 1800 ['HTTP_X_REAL_IP']")


def test_bad_values_are_named():
    for env, message in (
            ({"SIGN_IN_FAILURE_LIMIT": "0"}, "SIGN_IN_FAILURE_LIMIT and SIGN_IN_COOLOFF_MINUTES"),
            ({"SIGN_IN_COOLOFF_MINUTES": "soon"}, "SIGN_IN_COOLOFF_MINUTES must be a whole"),
            ({"PASSWORD_RESET_TIMEOUT_MINUTES": "0"}, "PASSWORD_RESET_TIMEOUT_MINUTES must be"),
            ({"EMAIL_USE_SSL": "true", "EMAIL_USE_TLS": "true"}, "not both"),
            (PRODUCTION, "Set the environment variable EMAIL_HOST"),
            ({**PRODUCTION, "EMAIL_HOST": "smtp.example.org"},
             "Set the environment variable DEFAULT_FROM_EMAIL")):
        result = _manage("check", **env)
        assert result.returncode != 0, env
        assert message in result.stderr, (env, result.stderr[-500:])
