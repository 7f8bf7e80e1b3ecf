"""The Celery application for ``CASEWORK_TASK_BACKEND=celery``.

Task workers on any machine run ``celery -A config worker``; they read the same settings (the
``CELERY_*`` names in config/settings.py, from ``CASEWORK_BROKER_URL`` and friends) and find
the project's django-tasks tasks in each app's ``tasks`` module. The app servers only send to
the broker through it (django-tasks-fennel's backend).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def make_app(main: str = "casework") -> Celery:
    """A Celery app configured from the Django settings (``CELERY_TASK_QUEUES``: django-tasks'
    queues). The settings are read when the app is first used, not here: this module is
    imported with the ``config`` package, which may be while the settings themselves load (a
    settings module that imports ``config.settings``, as ``benchmarks/load_settings.py``)."""
    app = Celery(main, set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    return app


app = make_app()
app.autodiscover_tasks()
# The backend sends through celery.current_app, which in a thread other than the one that made
# the app (a server's request threads) is the default app: make both this one.
app.set_current()
app.set_default()
