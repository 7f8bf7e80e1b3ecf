"""The viewflow process of each application and each two-illegal case follows its FSM status.

``follow`` is registered with ``transitions.on_move`` (see ``apps.py``), so every move of a
followed object moves its process in the same transaction: a rolled-back move leaves the
process as it was. The flows and why they only mirror the status: ``workflows/flows.py``.
"""

import datetime
import operator
from functools import reduce

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Value
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from casework.models import Application, ApplicationStatus, EnforcementCase
from workflows.flows import WAITING, ApplicationFlow, CaseFlow

# A task nobody has finished yet (Handle tasks stay NEW until the next move completes them).
OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


# The flow that follows each model.
FLOWS = {Application: ApplicationFlow, EnforcementCase: CaseFlow}


def _open_tasks(model=Application) -> models.QuerySet:
    """The open tasks of ``model``'s processes (one content type lookup, cached by Django)."""
    return Task.objects.filter(
        status__in=OPEN,
        process__flow_class=FLOWS[model],
        process__artifact_content_type=ContentType.objects.get_for_model(model),
    )


def open_tasks_of(objects: models.QuerySet) -> models.QuerySet:
    """The open tasks of ``objects`` (a scoped queryset, used as a subquery)."""
    return _open_tasks(objects.model).filter(process__artifact_object_id__in=objects.values("pk"))


def node(status: str):
    """The flow's node of a waiting status (for filtering tasks by ``flow_task``)."""
    return getattr(ApplicationFlow, status)


def follow(obj: models.Model, before: str) -> None:
    """Move the process of ``obj`` to its new status; the ``on_move`` listener.

    Ignores objects no flow follows, and a move that kept the status (the annual review). The first move of an application starts its process (``start``), which routes to
    the task of the current status; every later move completes the open Handle task, whose
    ``route`` switch opens the task of the new status or ends the process. A process already
    at the current status (a listener called twice) is left alone.

    Cost: a fixed number of queries per move, growing with neither the number of applications
    nor the length of the process (measured on SQLite by
    ``test_follow_adds_a_bounded_number_of_queries``, savepoints included): 12 for the first
    move (find no open task, save the process, the start, route and first tasks), 11 for a move
    to another waiting status (find the open task; viewflow's ``Handle.run`` reloads the task
    and its process, completes it, records the route switch and opens the next task), 16 for a
    move to a terminal status (the same, plus the End task, which counts the process's other
    open tasks and finishes the process). Nothing for other objects or an unchanged status.
    """
    flow_class = FLOWS.get(type(obj))
    if flow_class is None or obj.status == before:
        return
    task = open_task(obj)
    if task is None:
        if before in flow_class.terminal and obj.status in flow_class.terminal:
            return  # e.g. terminated -> revoked: the process ended with the first of them
        flow_class.start.run(artifact=obj)
    elif task.flow_task.name != obj.status:
        task.flow_task.run(task, artifact=obj)


def start_following(objects) -> None:
    """Start the process of each object created directly at a waiting status (an imported
    recipient: creating it was not a move), at the task of its status, as its first move
    would have; a bounded number of queries each (see ``follow``)."""
    for obj in objects:
        FLOWS[type(obj)].start.run(artifact=obj)


def open_task(obj) -> Task | None:
    """The open task of the object's process: None before its first move (objects made
    directly at a status, such as test and demo data) and once it is closed."""
    return (
        _open_tasks(type(obj))
        .filter(process__artifact_object_id=obj.pk)
        .select_related("process")
        .order_by("-created", "-pk")
        .first()
    )


def waiting_counts(
    applications: models.QuerySet, overdue_after: dict[str, datetime.timedelta]
) -> dict[str, tuple[int, int]]:
    """How many of ``applications`` wait at each status, and how many of those have waited
    longer than ``overdue_after[status]``: ``{status: (waiting, overdue)}``, statuses with no
    waiting application left out. Statuses absent from ``overdue_after`` are never overdue.

    One query: the open tasks grouped by node, restricted to ``applications`` (already scoped
    to the user's jurisdiction) by a subquery of their ids; nothing is loaded row by row.
    """
    unknown = set(overdue_after) - set(ApplicationStatus.values)
    if unknown:
        raise ValueError(f"Not application statuses: {sorted(unknown)}")
    now = timezone.now()
    late = [
        Q(flow_task=getattr(ApplicationFlow, status.value), created__lt=now - overdue_after[status])
        for status in WAITING
        if status in overdue_after
    ]
    overdue = Count("pk", filter=reduce(operator.or_, late)) if late else Value(0)
    rows = (
        open_tasks_of(applications)
        .order_by()
        .values("flow_task")
        .annotate(waiting=Count("pk"), overdue=overdue)
    )
    return {row["flow_task"].name: (row["waiting"], row["overdue"]) for row in rows}


def task_opened_before(cutoff: datetime.datetime) -> Exists:
    """The condition, on applications, "the open task of its current status opened before
    ``cutoff``" (a correlated subquery on the indexed artifact id, for grouped counts)."""
    return Exists(
        _open_tasks().filter(process__artifact_object_id=OuterRef("pk"), created__lt=cutoff)
    )


def task_opened_at(applications) -> dict[int, datetime.datetime]:
    """When each application's current task opened ("waiting since"), by application id; in
    one query. Applications with no open task are left out."""
    ids = [application.pk for application in applications]
    if not ids:
        return {}
    return dict(
        _open_tasks()
        .filter(process__artifact_object_id__in=ids)
        .values_list("process__artifact_object_id", "created")
    )
