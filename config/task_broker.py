"""Production never runs a heavy task inside a web request: without a broker it does not start.

Without `REDIS_URL`, Celery runs tasks in-process (`make run`'s embedded default): a save then
refreshes the aggregates before its request answers, which at 100k rounds outlives gunicorn's
worker timeout after the save has committed. The production settings set
`REQUIRE_TASK_BROKER`: the web server (`config/wsgi.py`, `config/asgi.py`) and the Celery
worker and beat (`config/celery.py`) then refuse to start without a broker, and
`manage.py check --deploy` reports the missing broker whatever the settings module.
"""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

NO_BROKER = (
    "No task broker: REDIS_URL is not set, so tasks such as the aggregate refresh would run "
    "inside web requests."
)
SET_REDIS_URL = "Set REDIS_URL to the Redis server's URL, e.g. redis://redis:6379/0."


def tasks_run_in_process() -> bool:
    """Whether a queued task would run in the caller's process instead of on a worker."""
    return bool(settings.CELERY_TASK_ALWAYS_EAGER) or str(settings.CELERY_BROKER_URL).startswith(
        "memory://"
    )


@checks.register("tasks", deploy=True)
def check_task_broker(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """`check --deploy`: a deployment has a broker and a worker for its tasks."""
    if not tasks_run_in_process():
        return []
    return [checks.Error(NO_BROKER, hint=SET_REDIS_URL, id="tracker.E001")]


def refuse_to_start_without_a_broker(program: str) -> None:
    """Raise ImproperlyConfigured, naming `program`, when the settings require a broker and
    there is none."""
    if settings.REQUIRE_TASK_BROKER and tasks_run_in_process():
        raise ImproperlyConfigured(f"{program} refuses to start. {NO_BROKER} {SET_REDIS_URL}")
