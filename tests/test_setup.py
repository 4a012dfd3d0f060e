"""The project's setup: migrations in step with the models, settings that refuse unsafe values."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

BASE_DIR = Path(__file__).resolve().parent.parent
# Settings read a developer's .env file; these checks must see only the environment they set.
IGNORE_DOTENV = "import environ; environ.Env.read_env = lambda *args, **kwargs: None"


def run_python(code: str, **env: str | None) -> subprocess.CompletedProcess[str]:
    """Runs `code` in a fresh interpreter that ignores .env; a None value unsets a variable."""
    environment = dict(os.environ)
    for name, value in env.items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    return subprocess.run(
        [sys.executable, "-c", f"{IGNORE_DOTENV}\n{code}"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def strong_secret_key() -> str:
    return secrets.token_urlsafe(64)


@pytest.mark.django_db
def test_models_and_migrations_agree():
    # --check exits with SystemExit(1) when a model change has no migration.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.parametrize(
    "secret_key",
    [
        None,
        "",
        "insecure-local-development-key-never-used-in-production",
        "short-but-random-Xq3",
        "a" * 64,
        "django-insecure-" + secrets.token_urlsafe(50),
    ],
    ids=["unset", "empty", "development-key", "too-short", "one-character", "startproject-key"],
)
def test_production_refuses_to_start_without_a_real_secret_key(secret_key):
    result = run_python(
        "import django; django.setup()",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secret_key,
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr
    # The message names the problem, never the key.
    assert not secret_key or secret_key not in result.stderr


def test_production_settings_pass_the_deployment_checklist():
    result = run_python(
        "from django.core.management import execute_from_command_line\n"
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=strong_secret_key(),
        ALLOWED_HOSTS="example.com",
        REDIS_URL="redis://redis:6379/0",
        DEBUG=None,
        SECURE_SSL_REDIRECT=None,
        SECURE_HSTS_SECONDS=None,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_ignores_debug_from_the_environment():
    result = run_python(
        "import django; django.setup()\nfrom django.conf import settings; print(settings.DEBUG)",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=strong_secret_key(),
        DEBUG="1",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("debug", "expected"),
    [(None, "False"), ("0", "False"), ("1", "True")],
    ids=["unset", "off", "on"],
)
def test_development_debug_is_off_unless_asked_for(debug, expected):
    result = run_python(
        "import django; django.setup()\n"
        "from django.conf import settings; print(settings.DEBUG, settings.ALLOWED_HOSTS)",
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DEBUG=debug,
        ALLOWED_HOSTS=None,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split(" ", 1) == [
        expected,
        "['localhost', '127.0.0.1', '[::1]', 'testserver']\n",
    ]


def test_the_api_schema_is_valid_and_drf_spectacular_warns_of_nothing(tmp_path):
    result = run_python(
        "from django.core.management import execute_from_command_line\n"
        "execute_from_command_line(['manage.py', 'spectacular', '--validate', '--fail-on-warn',"
        f" '--file', {str(tmp_path / 'schema.yaml')!r}])",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=strong_secret_key(),
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stderr and "Error" not in result.stderr, result.stderr
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3")


def test_production_sends_the_security_headers():
    result = run_python(
        "import django, json; django.setup()\n"
        "from django.test import Client\n"
        "response = Client().get('/api/v1/schema/', secure=True, HTTP_HOST='example.com')\n"
        "print(json.dumps(dict(response.headers)))",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=strong_secret_key(),
        ALLOWED_HOSTS="example.com",
        SECURE_HSTS_SECONDS=None,
    )

    assert result.returncode == 0, result.stderr
    headers = json.loads(result.stdout.splitlines()[-1])
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert set(headers["Content-Security-Policy"].split("; ")) == {
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    }
