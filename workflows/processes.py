"""The viewflow process of each application and each two-illegal case follows its FSM status.

``follow`` is registered with ``transitions.on_move`` (see ``apps.py``), so every move of a
followed object moves its process in the same transaction: a rolled-back move leaves the
process as it was. The flows and why they only mirror the status: ``workflows/flows.py``.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS, STATUS
from viewflow.workflow.token import Token

from casework.chunks import chunks
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


def follow_many(moves: list[tuple[models.Model, str]]) -> None:
    """Move the processes of many objects moved together (a bulk step), writing the rows
    viewflow's engine writes for each move with a few statements for all of them; the
    ``on_move`` listener of ``transitions.move_many``.

    For each object whose status changed, exactly what :func:`follow` leaves: the open Handle
    task done (started and finished now), a done ``route`` Switch task after it, then the task
    of the new status (new) or, for a terminal status, a done End task and the process done;
    an object without a process gets one, with its done Start task first. The rows, their
    order and their ``previous`` links match the engine's
    (``test_a_bulk_move_writes_what_the_engine_writes``). viewflow's task signals are not sent:
    nothing listens to them here. Cost: about nine statements for any number of objects.
    """
    moves = [(obj, before) for obj, before in moves if obj.status != before]
    if not moves:
        return
    model = type(moves[0][0])
    flow_class = FLOWS.get(model)
    if flow_class is None:
        return
    now = timezone.now()
    tasks = open_tasks_by_object(model, [obj.pk for obj, _before in moves])
    started, completed = [], []
    for obj, before in moves:
        task = tasks.get(obj.pk)
        if task is None:
            if not (before in flow_class.terminal and obj.status in flow_class.terminal):
                started.append(obj)
        elif task.flow_task.name != obj.status:
            completed.append((obj, task))
    artifact_type = ContentType.objects.get_for_model(model)
    new_processes = Process.objects.bulk_create(
        Process(
            flow_class=flow_class,
            created=now,
            artifact_content_type=artifact_type,
            artifact_object_id=obj.pk,
        )
        for obj in started
    )
    starts = _bulk_tasks(
        (flow_class.start, process, None, STATUS.DONE, now) for process in new_processes
    )
    for chunk in chunks([task.pk for _obj, task in completed]):
        Task.objects.filter(pk__in=chunk).update(status=STATUS.DONE, started=now, finished=now)
    # Where each process goes on from: its new Start task or the Handle task just completed.
    leaving = [(obj, start.process, start) for obj, start in zip(started, starts, strict=True)]
    leaving += [(obj, task.process, task) for obj, task in completed]
    switches = _bulk_tasks(
        (flow_class.route, process, previous, STATUS.DONE, now)
        for _obj, process, previous in leaving
    )
    ending = [obj.status in flow_class.terminal for obj, _process, _previous in leaving]
    _bulk_tasks(
        (
            flow_class.end if ends else getattr(flow_class, obj.status),
            process,
            switch,
            STATUS.DONE if ends else STATUS.NEW,
            now,
        )
        for (obj, process, _previous), switch, ends in zip(leaving, switches, ending, strict=True)
    )
    finished = [process.pk for (_o, process, _p), ends in zip(leaving, ending, strict=True) if ends]
    for chunk in chunks(finished):
        Process.objects.filter(pk__in=chunk).update(status=PROCESS.DONE, finished=now)


def _bulk_tasks(rows) -> list[Task]:
    """Create the tasks ``(node, process, previous task or None, status, now)`` with one insert,
    and their links to the previous tasks with another; returns them in order."""
    tasks, previous = [], []
    for node, process, before, status, now in rows:
        done = status == STATUS.DONE
        # The engine starts the tasks it runs (Start, Handle, End) but not a Switch.
        started = now if done and node.task_type != "SWITCH" else None
        tasks.append(
            Task(
                process=process,
                flow_task=node,
                flow_task_type=node.task_type,
                status=status,
                created=now,
                started=started,
                finished=now if done else None,
                token=Token("start"),
            )
        )
        previous.append(before)
    tasks = Task.objects.bulk_create(tasks)
    Link = Task.previous.through
    Link.objects.bulk_create(
        Link(from_task=task, to_task=before)
        for task, before in zip(tasks, previous, strict=True)
        if before is not None
    )
    return tasks


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
    return open_tasks_by_object(Application, ids)


def open_task_ids_by_application(ids) -> dict[int, int]:
    """The id of the open task of each application of ``ids`` that has one, by application
    id; one query of two columns (for a page of ``GET tasks/``, which shows only the id)."""
    found = {}
    for chunk in chunks(ids):
        found.update(
            _open_tasks(Application)
            .filter(process__artifact_object_id__in=chunk)
            .values_list("process__artifact_object_id", "pk")
        )
    return found


def open_tasks_by_object(model, ids) -> dict[int, Task]:
    """The open task of each object of ``model`` among ``ids`` that has one, by object id; one
    query per thousand ids."""
    found = {}
    for chunk in chunks(ids):
        found.update(
            (task.process.artifact_object_id, task)
            for task in _open_tasks(model)
            .filter(process__artifact_object_id__in=chunk)
            .select_related("process")
        )
    return found
