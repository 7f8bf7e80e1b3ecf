"""The viewflow processes of the workflows: proxies of viewflow's ``Process`` whose artifact is
the domain object they follow (see ``workflows/flows.py`` and ``workflows/processes.py``)."""

from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process


class ApplicationProcess(Process):
    """The process of one reward or assistance application.

    Its artifact (``artifact_content_type`` / ``artifact_object_id``) is the application; the
    application's FSM status is the truth and the process only mirrors it.
    """

    class Meta:
        proxy = True
        verbose_name = _("application process")
        verbose_name_plural = _("application processes")

    @property
    def application(self):
        """The application this process follows (``artifact``, cached once read or set)."""
        return self.artifact


class CaseProcess(Process):
    """The process of one two-illegal case (its artifact); the case's status is the truth."""

    class Meta:
        proxy = True
        verbose_name = _("case process")
        verbose_name_plural = _("case processes")
