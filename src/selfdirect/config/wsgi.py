"""WSGI entry point: ``gunicorn selfdirect.config.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "selfdirect.config.settings")
application = get_wsgi_application()
