"""The viewflow process of each application and each two-illegal case follows its FSM status.

``follow`` is registered with ``transitions.on_move`` (see ``apps.py``), so every move of a
followed object moves its process in the same transaction: a rolled-back move leaves the
process as it was. The flows and why they only mirror the status: ``workflows/flows.py``.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from casework.models import Application, EnforcementCase
from workflows.flows import ApplicationFlow, CaseFlow

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


def open_tasks_by_application(ids) -> dict[int, Task]:
    """The open task of each application of ``ids`` that has one, by application id; one
    query (for a page of the inbox)."""
    if not ids:
        return {}
    return {
        task.process.artifact_object_id: task
        for task in _open_tasks()
        .filter(process__artifact_object_id__in=ids)
        .select_related("process")
    }
