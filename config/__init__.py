"""The project package: settings, URLs, the WSGI/ASGI entry points and the Celery app."""

# Loaded with Django, so the Celery task backend sends through the project's configured app.
from config.celery import app as celery_app

__all__ = ["celery_app"]
