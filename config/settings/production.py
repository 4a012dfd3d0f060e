"""Production: refuses to start without a real secret key or (the web server and the worker)
without a task broker; passes `check --deploy`."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import MIDDLEWARE, SECRET_KEY, env

# Development keys: ours (local.py) and the one `django-admin startproject` writes.
DEVELOPMENT_KEY_PREFIXES = ("insecure", "django-insecure")

for prefix in DEVELOPMENT_KEY_PREFIXES:
    if SECRET_KEY.startswith(prefix):
        raise ImproperlyConfigured(
            f"SECRET_KEY starts with {prefix!r}: it is a development key, never for production. "
            "Set it to a new random value of at least 50 characters."
        )
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters in production."
    )

DEBUG = False
# Heavy tasks (the aggregate refresh) run on a worker, never in a request: no broker, no start.
REQUIRE_TASK_BROKER = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
# Sends base.CONTENT_SECURITY_POLICY on every answer, redirects and errors included.
MIDDLEWARE = ["csp.middleware.CSPMiddleware", *MIDDLEWARE]
