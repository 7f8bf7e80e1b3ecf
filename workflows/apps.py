from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Workflows")

    def ready(self) -> None:
        # Every step is declared as data in its process's module and registered here, once.
        from workflows import processes, steps, transitions

        steps.register_all()
        transitions.on_move(processes.follow, processes.follow_many)
