"""Settings for the benchmark servers: the local settings (whatever DATABASE_URL and REDIS_URL
name) with DEBUG off, no throttling in the way of the load generator, and one extra URL, the
floor view that the rounds API is measured against."""

from config.settings.local import *  # noqa: F403
from config.settings.local import REST_FRAMEWORK

DEBUG = False
ROOT_URLCONF = "benchmarks.urls"
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
