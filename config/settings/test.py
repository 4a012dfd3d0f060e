"""The pytest suite: the database of DATABASE_URL (PostgreSQL in CI), SQLite otherwise."""

import os

from .local import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tests run without collectstatic: static files are looked up per request, from the finders.
WHITENOISE_AUTOREFRESH = True

# Tasks run in-process unless a test starts a worker or an outage on purpose (those tests
# point the Celery app at a broker themselves).
CELERY_TASK_ALWAYS_EAGER = True

# `make test` runs the suite in several processes (pytest-xdist), each with its own test
# database: each keeps its own cached chart data in the Redis they share.
CACHES["default"]["KEY_PREFIX"] = f"tracker-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"  # noqa: F405
