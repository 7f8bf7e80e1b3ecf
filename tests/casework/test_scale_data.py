"""The scale data generator (issue 8): a small city made through the bulk path must be data the
real steps, the inbox, the payments and the audit chain accept as their own."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count
from viewflow.workflow.models import Task

from casework.id_numbers import parse_id_number
from casework.models import (
    Application,
    ApplicationStatus,
    EnforcementCase,
    MigrantCertificate,
    Payment,
    Person,
    PostingEntry,
    Region,
)
from demo.scale import CHAIN, CITY, POSTED_AT, Size, generate
from permissions.audit import Actor, verify_chain
from permissions.models import Officer
from workflows import inbox, processes
from workflows.transitions import perform

S = ApplicationStatus
SIZE = Size(villages=25, applications=400, cases=30, certificates=40, seed=7)


@pytest.fixture
def city(db, tmp_path):
    return generate(SIZE)


def test_the_generators_chain_is_a_path_of_the_applications_state_machine():
    """The generator writes statuses directly, for speed; it walks the chain the model's
    transitions declare, so a status added to the chain without a way to reach it, or a chain
    reordered, fails here rather than in a benchmark."""
    field = Application._meta.get_field("status")
    moves = {(t.source, t.target) for t in field.get_all_transitions(Application)}
    assert CHAIN[0] == S.DRAFT and CHAIN[-1] == S.ENROLLED
    assert [pair for pair in zip(CHAIN, CHAIN[1:], strict=False) if pair not in moves] == []
    assert set(POSTED_AT.values()) <= set(CHAIN)


@pytest.mark.django_db
def test_the_city_has_what_was_asked_for(city):
    assert city["applications"] == Application.objects.count() == 400
    assert Region.objects.filter(level="village", code__startswith=CITY[:4]).count() == 25
    assert EnforcementCase.objects.count() == 30
    assert MigrantCertificate.objects.count() == 40
    # Statuses of every kind, over three years.
    statuses = set(Application.objects.values_list("status", flat=True))
    assert {S.SUBMITTED, S.AWAITING_TOWNSHIP, S.ENROLLED, S.REJECTED} <= statuses
    assert set(Application.objects.values_list("year", flat=True)) == {2024, 2025, 2026}


@pytest.mark.django_db
def test_every_id_number_is_valid_and_unique(city):
    numbers = list(Person.objects.values_list("id_number", "birth_date", "sex"))
    assert len({number for number, _birth, _sex in numbers}) == len(numbers) == 800
    for number, birth, sex in numbers:
        facts = parse_id_number(number)
        assert facts.birth_date == birth
        assert ("male" if facts.is_male else "female") == sex


@pytest.mark.django_db
def test_recipients_are_paid_once_for_each_past_period_and_never_for_the_current(city):
    paid = Payment.objects.values("application", "period_start").annotate(n=Count("pk"))
    assert paid and all(row["n"] == 1 for row in paid)
    assert not Payment.objects.filter(
        period_start__year=2026, application__program__code="rural-reward"
    ).exists()
    recipients = Application.objects.filter(
        status=S.ENROLLED, year=2024, program__code="rural-reward"
    )
    assert recipients.exists()
    for application in recipients:
        assert application.payments.filter(period_start__year=2025).count() == 1


@pytest.mark.django_db
def test_the_inbox_counts_the_waiting_applications_of_the_jurisdiction(city):
    reviewer = Officer.objects.get(username="scale_township_reviewer")
    township = reviewer.jurisdiction_id
    rows = {row.status: row.waiting for row in inbox.application_inbox(reviewer)}
    waiting = Application.objects.filter(
        region__code__startswith=township[:9], status=S.AWAITING_TOWNSHIP
    ).count()
    assert waiting and rows[S.AWAITING_TOWNSHIP] == waiting
    # Every application past its draft has a process; only the waiting ones an open task.
    open_tasks = Task.objects.filter(status="NEW").count()
    assert (
        open_tasks
        == Application.objects.exclude(
            status__in=[S.DRAFT, S.REJECTED, S.WITHDRAWN, S.TERMINATED, S.REVOKED]
        ).count()
    )


@pytest.mark.django_db
def test_a_real_step_moves_a_generated_application_and_its_process(city):
    reviewer = Officer.objects.get(username="scale_township_reviewer")
    application = Application.objects.filter(
        region__code__startswith=reviewer.jurisdiction_id[:9], status=S.AWAITING_TOWNSHIP
    ).first()
    task = processes.open_task(application)
    assert task.flow_task.name == S.AWAITING_TOWNSHIP

    perform("township_check", application, Actor(reviewer), {"opinion": "同意"})

    application.refresh_from_db()
    assert application.status == S.TOWNSHIP_CHECKED
    task.refresh_from_db()
    assert task.status == "DONE"
    assert processes.open_task(application).flow_task.name == S.TOWNSHIP_CHECKED


@pytest.mark.django_db
def test_postings_hold_the_applications_that_stood_on_them_and_the_audit_chain_holds(city):
    enrolled = Application.objects.filter(status=S.ENROLLED).first()
    levels = set(
        PostingEntry.objects.filter(application=enrolled).values_list("posting__level", flat=True)
    )
    assert levels == {"village", "township", "county"}
    open_entry = PostingEntry.objects.filter(application__status=S.VILLAGE_POSTED).first()
    assert open_entry.posting.status == "open"
    report = verify_chain()
    assert report.intact and report.checked >= 400


@pytest.mark.django_db
def test_generated_certificates_are_found_by_their_code(city, client):
    issued = MigrantCertificate.objects.filter(status="issued").select_related("document").first()
    response = client.get(f"/verify/{issued.document.code}/")
    assert response.status_code == 200
    assert issued.document.number in response.content.decode()


@pytest.mark.django_db
def test_the_same_city_twice_is_refused(city):
    with pytest.raises(CommandError, match="already"):
        call_command("generate_scale_data", villages=5, applications=10)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_loaded_city_is_left_analysed_and_on_postgresql_vacuumed():
    generate(Size(villages=3, applications=30, cases=3, certificates=3, seed=2))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT last_vacuum IS NOT NULL, last_analyze IS NOT NULL "
                "FROM pg_stat_user_tables WHERE relname = 'casework_application'"
            )
            assert cursor.fetchone() == (True, True)
        else:
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'casework_application'")
            assert cursor.fetchone()[0] > 0


@pytest.mark.django_db
def test_stock_viewflow_pages_list_the_same_waiting_applications(city, client, settings):
    """The benchmark's reference (issue 30): each application waiting at an inbox step has a
    stock viewflow task, claimed by the officer whose inbox holds it, claimable by the step's
    permission otherwise; stock viewflow's own inbox and queue pages list them."""
    from django.utils import timezone

    from demo.scale.stock_tasks import StockTaskFlow, add_stock_tasks

    approver = Officer.objects.get(username="scale_county_approver")
    written = add_stock_tasks([approver], timezone.now())
    stock = Task.objects.filter(process__flow_class=StockTaskFlow)
    waiting_at_steps = Application.objects.filter(
        status__in=[step.status for step in inbox.steps()]
    )
    assert written == stock.count() == waiting_at_steps.count()
    claimed = stock.filter(owner=approver, status="ASSIGNED")
    assert claimed.count() == inbox.waiting_applications(approver).count() > 0
    assert not stock.filter(owner__isnull=True).exclude(status="NEW").exists()

    settings.ROOT_URLCONF = "demo.scale.stock_tasks"
    client.force_login(approver)
    inbox_page = client.get("/workflow/inbox/")
    queue_page = client.get("/workflow/queue/")
    assert inbox_page.status_code == queue_page.status_code == 200
    assert f"#{claimed.first().process_id}/{claimed.first().pk}" in inbox_page.content.decode()
    assert "casework.approve_at_county" not in {
        t.owner_permission for t in stock.filter(owner__isnull=True)
    }
    # The township's work was claimed by nobody: it is in the township reviewer's queue.
    client.force_login(Officer.objects.get(username="scale_township_reviewer"))
    claimable = stock.filter(owner__isnull=True, owner_permission="casework.check_at_township")
    queue_page = client.get("/workflow/queue/")
    assert f"#{claimable.first().process_id}/{claimable.first().pk}" in queue_page.content.decode()
