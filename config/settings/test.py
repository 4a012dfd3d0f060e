"""The pytest suite: the database of DATABASE_URL (PostgreSQL in CI), SQLite otherwise."""

from .local import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tests run without collectstatic: static files are looked up per request, from the finders.
WHITENOISE_AUTOREFRESH = True

# Tasks run in-process unless a test starts a worker or an outage on purpose (those tests
# point the Celery app at a broker themselves).
CELERY_TASK_ALWAYS_EAGER = True
