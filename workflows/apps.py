from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Workflows")

    def ready(self) -> None:
        # Each process registers its steps when its module is imported.
        from workflows import (  # noqa: F401
            applications,
            bank_files,
            case_decisions,
            case_files,
            cases,
            certificates,
            changes,
            duplicates,
            payments,
            postings,
            processes,
            recipients,
            recoveries,
            reviews,
            transitions,
        )

        transitions.on_move(processes.follow, processes.follow_many)
