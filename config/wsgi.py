"""The WSGI application that gunicorn serves (`config/gunicorn.py`)."""

import os

from django.core.wsgi import get_wsgi_application

from config.task_broker import refuse_to_start_without_a_broker

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

application = get_wsgi_application()
refuse_to_start_without_a_broker("The web server")
