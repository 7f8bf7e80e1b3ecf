"""Stock viewflow's own task pages over the generated city's waiting applications: the other
side of the benchmark's inbox table (issue 30), measured in the same run as ours.

Our inbox reads the applications' status (workflows/inbox.py). Viewflow's stock inbox and queue
read its task table instead: a task's ``owner`` (claimed) or ``owner_permission`` (claimable).
So that both pages show the same work, each application waiting at an officer's step gets a
human task of :class:`StockTaskFlow`, claimable by holders of the step's permission, and already
claimed by an officer of :func:`add_stock_tasks` when it lies in their jurisdiction at their
steps: what that officer's stock inbox would hold. The mirror processes of workflows/flows.py
are left as they are.

The pages are served by :data:`site` under :data:`urlpatterns` (the URL map of this module), which
the benchmark puts in place of the project's for the stock rows only.
"""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.urls import Site
from viewflow.workflow import flow
from viewflow.workflow.flow import FlowAppViewset, WorkflowAppViewset
from viewflow.workflow.flow.views import UpdateProcessView
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from casework import region_codes
from casework.bulk_insert import BulkInserter
from casework.models import Application
from workflows import inbox


class StockTaskFlow(flow.Flow):
    """One human task per waiting application, as a stock viewflow flow would have it."""

    process_title = _("Stock viewflow reference")

    start = flow.StartHandle().Next(this.act)
    act = (
        flow.View(UpdateProcessView.as_view(fields=[]))
        .Annotation(title=_("Act on the application"))
        .Next(this.end)
    )
    end = flow.End()

    def has_view_permission(self, user, obj=None) -> bool:
        # The reference measures the pages, not viewflow's model permissions.
        return user.is_authenticated


site = Site(
    title=_("Stock viewflow reference"),
    viewsets=[WorkflowAppViewset(flow_viewsets=[FlowAppViewset(StockTaskFlow)])],
)
urlpatterns = [path("", site.urls)]


def add_stock_tasks(officers, now) -> int:
    """A process of :class:`StockTaskFlow` with one task for each application waiting at an
    inbox step: claimable by the step's permission, claimed by the officer of ``officers``
    whose jurisdiction and steps hold it. Returns how many tasks were written."""
    db = BulkInserter(now)
    permission_of = {step.status: step.permission for step in inbox.steps()}
    claimed = [
        (officer, region_codes.subtree_bounds(officer.jurisdiction_id), inbox.steps_for(officer))
        for officer in officers
    ]

    def owner_of(region_id, status):
        for officer, (low, high), steps in claimed:
            if low <= region_id <= high and any(step.status == status for step in steps):
                return officer.pk
        return None

    waiting = list(
        Application.objects.filter(status__in=permission_of)
        .order_by("pk")
        .values_list("pk", "region_id", "status", "status_changed_at")
    )
    first = db.take_ids(Process, len(waiting))
    db.insert_rows(
        Process,
        ("id", "flow_class", "status", "created"),
        ((first + n, StockTaskFlow, STATUS.NEW, now) for n in range(len(waiting))),
    )
    rows = []
    for n, (_pk, region_id, status, since) in enumerate(waiting):
        owner = owner_of(region_id, status)
        rows.append(
            (
                first + n,
                StockTaskFlow.act,
                "HUMAN",
                STATUS.ASSIGNED if owner else STATUS.NEW,
                since,
                "start",
                owner,
                permission_of[status],
            )
        )
    written = db.insert_rows(
        Task,
        (
            "process_id",
            "flow_task",
            "flow_task_type",
            "status",
            "created",
            "token",
            "owner_id",
            "owner_permission",
        ),
        rows,
    )
    db.finish()
    return written
