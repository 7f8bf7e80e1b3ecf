from django.apps import AppConfig
from django_tasks.signals import task_started

from config.startup import freeze_before_first_task


class ConfigConfig(AppConfig):
    """The process itself: what every server and worker does once its code is loaded."""

    name = "config"
    verbose_name = "Casework process"

    def ready(self) -> None:
        task_started.connect(freeze_before_first_task, dispatch_uid="freeze_before_first_task")
