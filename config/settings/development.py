"""Local development, the default of ``manage.py``: debug on, a throwaway key, mail to the console.

``DJANGO_DEBUG=0`` (or another ``DJANGO_SETTINGS_MODULE``) turns it off; the web server's entry
point (``config/wsgi.py``) never uses this module.
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")

from .base import *  # noqa: E402,F403
