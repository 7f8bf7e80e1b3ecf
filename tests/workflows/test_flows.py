"""The viewflow process of an application mirrors its FSM status after every move."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS

from casework.factories import ApplicationFactory
from casework.models import Application, ApplicationStatus, Filing, Program
from permissions.audit import Actor
from permissions.models import AuditEntry
from permissions.roles import Role
from tests.conftest import COUNTY, VILLAGE
from workflows import processes, transitions
from workflows.flows import TERMINAL, WAITING, ApplicationFlow
from workflows.models import ApplicationProcess
from workflows.processes import open_task
from workflows.transitions import move

S = ApplicationStatus
CITY = "360900000000"


@pytest.fixture
def officer(make_officer):
    return make_officer(Role.ADMINISTRATOR, COUNTY, username="chain_admin")


@pytest.fixture
def actor(officer):
    return Actor(officer)


@pytest.fixture
def new_application(regions, officer):
    """A draft application in ``village``: its first move is ``submit``, as in ``apply()``."""

    def make(village=VILLAGE, status=S.DRAFT):
        return ApplicationFactory(
            applicant__region=regions[village], created_by=officer, status=status
        )

    return make


@pytest.fixture
def filing(regions, officer):
    return Filing.objects.create(
        region=regions[CITY],
        program=Program.objects.get(code="rural-reward"),
        filed_on=datetime.date(2026, 11, 24),
        paid_from=datetime.date(2026, 12, 1),
        officer=officer,
        signed_at=timezone.now(),
    )


def processes_of(application: Application):
    return ApplicationProcess.objects.filter(
        flow_class=ApplicationFlow, artifact_object_id=application.pk
    )


def assert_mirrors(application: Application) -> None:
    """One process; exactly one open task, named after the status; none once closed."""
    process = processes_of(application).get()
    assert process.artifact == application
    open_tasks = list(process.task_set.filter(status__in=processes.OPEN))
    if application.status in TERMINAL:
        assert open_tasks == []
        assert process.status == PROCESS.DONE and process.finished is not None
        assert open_task(application) is None
    else:
        assert [task.flow_task.name for task in open_tasks] == [application.status]
        assert process.status == PROCESS.NEW and process.finished is None
        assert open_task(application) == open_tasks[0]


def step(application, method, actor, **arguments):
    with transaction.atomic():
        application = move(application, method, actor, **arguments)
    assert_mirrors(application)
    return application


def to_township_check(application, actor):
    for method in (
        "submit",
        "record_visit",
        "appraise",
        "post_in_village",
        "pass_village_posting",
        "pass_township_check",
    ):
        application = step(application, method, actor)
    return application


def test_the_flow_has_a_task_for_every_waiting_status_and_ends_the_others():
    assert set(WAITING) | set(TERMINAL) == set(S) - {S.DRAFT}
    names = {node.name for node in ApplicationFlow.instance.nodes()}
    assert names == {"start", "route", "end", *WAITING}
    for status in WAITING:
        node = getattr(ApplicationFlow, status)
        assert node.task_title == status.label
        assert node._next is ApplicationFlow.route


@pytest.mark.django_db
def test_the_process_follows_the_whole_chain(new_application, actor, filing):
    application = new_application()
    assert not processes_of(application).exists()
    for method in (
        "submit",
        "record_visit",
        "appraise",
        "post_in_village",
        "pass_village_posting",
        "pass_township_check",
        "post_in_township",
        "pass_township_posting",
        "county_recheck",
        "post_in_county",
        "pass_county_posting",
        "approve",
    ):
        application = step(application, method, actor)
    assert application.status == S.APPROVED
    application = step(
        application, "file", actor, filing=filing, paid_from=datetime.date(2026, 12, 1)
    )
    enrolled_task = open_task(application)
    application = step(application, "annual_review", actor)
    assert open_task(application) == enrolled_task  # the status did not change
    application = step(
        application, "suspend", actor, reason="未按时年审", paid_until=datetime.date(2027, 3, 31)
    )
    application = step(application, "reinstate", actor)
    application = step(
        application, "terminate", actor, reason="死亡", paid_until=datetime.date(2027, 6, 30)
    )
    assert application.status == S.TERMINATED

    process = processes_of(application).get()
    names = process.task_set.order_by("pk").values_list("flow_task", flat=True)
    handles = [node.name for node in names]
    assert handles[:3] == ["start", "route", "submitted"]
    assert handles[-2:] == ["route", "end"]
    assert handles.count("enrolled") == 2 and handles.count("suspended") == 1

    # Revoked after termination: the process ended with the termination, no new one starts.
    application = step(
        application,
        "revoke",
        actor,
        reason="弄虚作假",
        amount_to_recover_fen=120_000,
        false_signers=[],
        paid_until=datetime.date(2027, 6, 30),
    )
    assert processes_of(application).get().pk == process.pk


@pytest.mark.django_db
def test_returns_deferrals_and_rejections_are_followed(new_application, actor):
    application = to_township_check(new_application(), actor)
    application = step(application, "send_back", actor, reason="材料不全")
    assert application.status == S.SUBMITTED
    application = step(application, "defer", actor, reason="情况不明")
    assert application.status == S.DEFERRED
    application = step(application, "resume", actor)
    assert application.status == S.SUBMITTED
    application = step(application, "record_visit", actor)
    application = step(application, "reject", actor, reason="不符合条件")
    assert application.status == S.REJECTED
    assert processes_of(application).get().task_set.filter(status__in=processes.OPEN).count() == 0


@pytest.mark.django_db
def test_an_application_made_midway_gets_its_process_on_its_next_move(new_application, actor):
    application = new_application(status=S.AWAITING_APPROVAL)
    assert open_task(application) is None
    application = step(application, "approve", actor)
    assert open_task(application).flow_task is ApplicationFlow.approved


@pytest.mark.django_db
def test_a_withdrawn_draft_starts_and_ends_its_process(new_application, actor):
    application = step(new_application(), "withdraw", actor, reason="本人撤回")
    assert application.status == S.WITHDRAWN


@pytest.mark.django_db
def test_following_twice_changes_nothing(new_application, actor):
    application = step(step(new_application(), "submit", actor), "record_visit", actor)
    tasks = Task.objects.count()
    with transaction.atomic():
        processes.follow(application, S.SUBMITTED)
    assert Task.objects.count() == tasks
    assert_mirrors(application)


@pytest.mark.django_db
def test_a_rolled_back_move_leaves_the_process_untouched(new_application, actor):
    application = step(new_application(), "submit", actor)
    before = list(Task.objects.order_by("pk").values_list("pk", "status", "finished"))

    class Refused(Exception):
        pass

    with pytest.raises(Refused), transaction.atomic():
        moved = move(application, "record_visit", actor)
        assert open_task(moved).flow_task is ApplicationFlow.visited
        raise Refused

    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert list(Task.objects.order_by("pk").values_list("pk", "status", "finished")) == before
    assert_mirrors(application)


@pytest.mark.django_db
def test_follow_adds_a_bounded_number_of_queries(
    new_application, filing, django_assert_max_num_queries, django_assert_num_queries
):
    application = new_application()

    def moved(method, **arguments):
        with transaction.atomic():
            current = Application.objects.select_for_update().get(pk=application.pk)
            before = current.status
            getattr(current, method)(**arguments)
            current.save()
            return current, before

    # Warm Django's content type cache, as any running server has. The counts below include
    # the savepoints viewflow opens (start: 2 pairs, each Switch: 1 pair, End: 1 pair).
    processes.open_task(application)
    application, before = moved("submit")
    with transaction.atomic(), django_assert_max_num_queries(12):
        processes.follow(application, before)
    application, before = moved("record_visit")
    with transaction.atomic(), django_assert_max_num_queries(11):
        processes.follow(application, before)
    application, before = moved("reject", reason="不符合条件")
    with transaction.atomic(), django_assert_max_num_queries(16):
        processes.follow(application, before)
    assert_mirrors(application)
    # Other objects, and moves that keep the status, cost nothing.
    with django_assert_num_queries(0):
        processes.follow(filing, "draft")
        processes.follow(application, application.status)


@pytest.mark.django_db
def test_a_move_records_when_the_status_changed_and_the_open_task_follows(
    new_application, actor, settings
):
    application = new_application()
    settings.CASEWORK_TODAY = "2026-11-20"
    submitted = step(application, "submit", actor)
    assert timezone.localdate(submitted.status_changed_at) == datetime.date(2026, 11, 20)
    settings.CASEWORK_TODAY = "2026-11-24"
    visited = step(submitted, "record_visit", actor)
    visited.refresh_from_db()
    assert timezone.localdate(visited.status_changed_at) == datetime.date(2026, 11, 24)
    tasks = processes.open_tasks_by_application([visited.pk, application.pk + 1000])
    assert list(tasks) == [visited.pk]
    assert tasks[visited.pk].flow_task.name == S.VISITED
    ids = processes.open_task_ids_by_application([visited.pk, application.pk + 1000])
    assert ids == {visited.pk: tasks[visited.pk].pk}


def task_chain(application: Application) -> list:
    """What the process of ``application`` holds, without ids and times: its status and
    each task's node, type, status, which times are set, token and the nodes before it."""
    process = processes_of(application).get()
    tasks = [
        (
            task.flow_task.name,
            task.flow_task_type,
            task.status,
            task.started is not None,
            task.finished is not None,
            str(task.token),
            sorted(previous.flow_task.name for previous in task.previous.all()),
        )
        for task in process.task_set.order_by("pk")
    ]
    return [process.status, process.finished is not None, tasks]


def move_all(applications, method, actor, **arguments):
    with transaction.atomic():
        moved, refused = transitions.move_many(applications, method, actor, **arguments)
    assert refused == {}
    return moved


@pytest.mark.django_db
def test_a_bulk_move_writes_what_the_engine_writes(new_application, actor):
    """``move_many`` writes the processes' rows itself; they match what viewflow's engine
    writes for the same moves one at a time: a first move, moves between waiting statuses, a
    move to a terminal status, and a first move straight to a terminal status."""
    one, many = new_application(), [new_application(), new_application()]
    for method, arguments in (
        ("submit", {}),
        ("record_visit", {}),
        ("appraise", {}),
        ("reject", {"reason": "不符合条件"}),
    ):
        one = step(one, method, actor, **arguments)
        many = move_all(many, method, actor, **arguments)
        for application in many:
            assert application.status == one.status
            assert task_chain(application) == task_chain(one)
            assert_mirrors(application)
    withdrawn = step(new_application(), "withdraw", actor, reason="本人撤回")
    (bulk_withdrawn,) = move_all([new_application()], "withdraw", actor, reason="本人撤回")
    assert task_chain(bulk_withdrawn) == task_chain(withdrawn)


@pytest.mark.django_db
def test_a_bulk_move_costs_the_same_few_statements_for_any_number(
    new_application, actor, django_assert_max_num_queries
):
    small = [new_application() for _ in range(2)]
    large = [new_application() for _ in range(20)]
    processes.open_task(small[0])  # warm the content type cache, as a running server has
    for method in ("submit", "record_visit"):
        with CaptureQueriesContext(connection) as few:
            small = move_all(small, method, actor)
        with django_assert_max_num_queries(len(few)):
            large = move_all(large, method, actor)
    for application in large:
        assert_mirrors(application)


@pytest.mark.django_db
def test_a_bulk_move_refuses_the_rows_that_moved_on_and_moves_the_others(new_application, actor):
    ready, moved_on = new_application(), new_application()
    step(moved_on, "submit", actor)
    with transaction.atomic():
        moved, refused = transitions.move_many([ready, moved_on], "submit", actor)
    assert [application.pk for application in moved] == [ready.pk]
    assert list(refused) == [moved_on.pk]
    assert Application.objects.get(pk=ready.pk).status == S.SUBMITTED
    assert_mirrors(Application.objects.get(pk=moved_on.pk))
    entries = AuditEntry.objects.filter(action="submit", object_id__in=[str(ready.pk)])
    assert entries.count() == 1
