"""WSGI entry point: the base settings, which refuse to start without DJANGO_SECRET_KEY unless
DJANGO_DEBUG is on; deployments set DJANGO_SETTINGS_MODULE=config.settings.production."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

application = get_wsgi_application()
