from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = _("Casework")

    def ready(self) -> None:
        from django_tasks.signals import task_started

        from config.startup import freeze_before_first_task

        task_started.connect(freeze_before_first_task, dispatch_uid="freeze_before_first_task")
