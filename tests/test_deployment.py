"""Production never runs heavy tasks inside a request: without a broker the web server, the
Celery worker and beat refuse to start, and `check --deploy` says why; gunicorn runs threaded
workers (config/gunicorn.py), as the Docker image and docker-compose start it."""

import json

import pytest
import yaml
from celery.signals import beat_init, celeryd_init

from config.task_broker import refuse_to_start_without_a_broker
from tests.test_setup import BASE_DIR, run_python, strong_secret_key

REASON = (
    "No task broker: REDIS_URL is not set, so tasks such as the aggregate refresh would run "
    "inside web requests."
)
REMEDY = "Set REDIS_URL to the Redis server's URL, e.g. redis://redis:6379/0."
NO_BROKER = f"{REASON} {REMEDY}"
REDIS = "redis://redis:6379/0"
# The Dockerfile's CMD and docker-compose's web command.
IMAGE_COMMAND = ["gunicorn", "--config", "config/gunicorn.py", "config.wsgi"]


def with_a_broker(settings) -> None:
    """What the settings make of REDIS_URL (config/settings/base.py)."""
    settings.CELERY_BROKER_URL = REDIS
    settings.CELERY_TASK_ALWAYS_EAGER = False


def test_the_deployment_check_reports_a_missing_broker():
    # Given the production settings without REDIS_URL (with it, tests/test_setup.py finds
    # the whole checklist clean; only this check's tag runs here, for speed)
    result = run_python(
        "from django.core.management import execute_from_command_line\n"
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--tag', 'tasks'])",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=strong_secret_key(),
        REDIS_URL=None,
    )

    # Then `check --deploy` fails, naming the missing broker and what to set
    assert result.returncode == 1
    assert f"?: (tracker.E001) {REASON}\n\tHINT: {REMEDY}" in result.stderr


def test_gunicorn_runs_threaded_workers_and_refuses_to_start_without_a_broker():
    # Given the image's command line with production settings and no REDIS_URL
    result = run_python(
        "import sys\n"
        f"sys.argv = {[*IMAGE_COMMAND, '--print-config']!r}\n"
        "from gunicorn.app.wsgiapp import run\n"
        "run()",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=strong_secret_key(),
        REDIS_URL=None,
    )

    # Then its settings are threaded workers
    printed = dict(
        (name.strip(), value.strip())
        for name, _, value in (line.partition("=") for line in result.stdout.splitlines())
    )
    assert (printed["worker_class"], printed["threads"]) == ("gthread", "4")
    assert (printed["bind"], printed["timeout"]) == ("['0.0.0.0:8000']", "30")
    # And loading the application fails with the reason
    assert result.returncode == 1
    assert f"ImproperlyConfigured: The web server refuses to start. {NO_BROKER}" in result.stderr


@pytest.mark.parametrize(
    ("signal", "program"),
    [(celeryd_init, "The Celery worker"), (beat_init, "Celery beat")],
    ids=["worker", "beat"],
)
def test_the_celery_worker_and_beat_refuse_to_start_without_a_broker(settings, signal, program):
    # Given production's rule and no broker
    settings.REQUIRE_TASK_BROKER = True

    # When Celery announces the start, Then it exits with the reason
    with pytest.raises(SystemExit) as exited:
        signal.send(sender="celery@test")

    assert str(exited.value) == f"ImproperlyConfigured: {program} refuses to start. {NO_BROKER}"


def test_with_a_broker_everything_starts(settings):
    settings.REQUIRE_TASK_BROKER = True
    with_a_broker(settings)

    refuse_to_start_without_a_broker("The web server")
    celeryd_init.send(sender="celery@test")
    beat_init.send(sender="celery@test")


def test_development_starts_without_a_broker(settings):
    assert settings.REQUIRE_TASK_BROKER is False
    assert settings.CELERY_TASK_ALWAYS_EAGER is True

    refuse_to_start_without_a_broker("The web server")


def test_the_image_and_the_compose_file_start_gunicorn_with_that_configuration():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    web = compose["services"]["web"]

    assert f"CMD {json.dumps(IMAGE_COMMAND)}" in dockerfile.splitlines()
    assert web["command"][-1].endswith(f"&& exec {' '.join(IMAGE_COMMAND)}")
    # Migrations may rewrite a large table: the long statement timeout, not the web's.
    assert web["command"][-1].startswith(
        "DATABASE_STATEMENT_TIMEOUT=$${DATABASE_LONG_STATEMENT_TIMEOUT:-600} python manage.py"
        " migrate"
    )
    # Behind its one proxy, reachable only from this host (where the proxy runs).
    assert compose["x-app"]["environment"]["NUM_PROXIES"] == "${NUM_PROXIES:-1}"
    assert web["ports"] == ["127.0.0.1:8000:8000"]
