"""ASGI entry point for Casework."""

import os

from django.core.asgi import get_asgi_application

from config.startup import freeze_startup_objects

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_asgi_application()
freeze_startup_objects()
