"""The ASGI application, for an ASGI server instead of gunicorn."""

import os

from django.core.asgi import get_asgi_application

from config.task_broker import refuse_to_start_without_a_broker

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

application = get_asgi_application()
refuse_to_start_without_a_broker("The web server")
