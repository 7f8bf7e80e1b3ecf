"""WSGI entry point for Casework."""

import os

from django.core.wsgi import get_wsgi_application

from config.startup import freeze_startup_objects

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
freeze_startup_objects()
