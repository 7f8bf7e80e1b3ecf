"""The Celery application for ``CASEWORK_TASK_BACKEND=celery``.

Task workers on any machine run ``celery -A config worker``; they read the same settings (the
``CELERY_*`` names in config/settings.py, from ``CASEWORK_BROKER_URL`` and friends) and find
the project's django-tasks tasks in each app's ``tasks`` module. The app servers only send to
the broker through it (django-tasks-fennel's backend).
"""

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def make_app(main: str = "casework") -> Celery:
    """A Celery app configured from the Django settings, consuming django-tasks' queues."""
    from django.conf import settings

    app = Celery(main, set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    # The backend sends each task to its django-tasks queue ("default" unless the task says
    # otherwise); a worker started without -Q consumes every queue declared here.
    app.conf.task_default_queue = "default"
    app.conf.task_queues = [Queue(name) for name in settings.CASEWORK_TASK_QUEUES]
    return app


app = make_app()
app.autodiscover_tasks()
# The backend sends through celery.current_app, which in a thread other than the one that made
# the app (a server's request threads) is the default app: make both this one.
app.set_current()
app.set_default()
