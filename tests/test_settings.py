"""Production settings pass Django's deployment checks; bad environment values are named."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment.update(env)
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=environment,
                          capture_output=True, text=True, check=False, timeout=120)


def test_check_deploy_passes_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING",
                     SELFDIRECT_ENV="production",
                     SECRET_KEY="a-long-random-production-key-" + "x" * 40,
                     ALLOWED_HOSTS="selfdirect.example.org", EMAIL_HOST="smtp.example.org",
                     DEFAULT_FROM_EMAIL="selfdirect <no-reply@example.org>")
    assert result.returncode == 0, result.stderr + result.stdout


def test_production_refuses_to_start_without_a_real_secret_key():
    for key in ("", "short"):
        result = _manage("check", SELFDIRECT_ENV="production", SECRET_KEY=key,
                         ALLOWED_HOSTS="selfdirect.example.org")
        assert result.returncode != 0
        assert "SECRET_KEY must be set" in result.stderr


def test_a_bad_boolean_names_the_variable():
    result = _manage("check", DEBUG="perhaps")
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr
