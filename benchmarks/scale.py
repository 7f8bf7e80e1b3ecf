"""Issue 8's operations on a generated city (``demo.scale``), each with its budget.

``run.py`` builds the city (``BENCH_APPLICATIONS`` applications: 100,000 on SQLite and
1,000,000 on PostgreSQL unless set) and measures what :func:`operations` returns: every role's
inbox page and ``tasks/`` list beside stock viewflow's inbox and queue pages over the same
waiting applications (:func:`inboxes`), list pages and API lists (first page, filtered,
searched), an application's page, one
transition, a bulk transition of 1,000, closing a posting of 1,000 entries, the enforcement
statistics of a year and a certificate verification by code. The officers are the generator's
``scale_*`` accounts, whose jurisdictions hold the first county, township and village.
"""

import datetime
import os
from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.test.utils import override_settings

# Inbox, list pages and API lists; detail page; one transition; verification (ms, queries).
LIST_MS, LIST_QUERIES = 150, 12
# Every role's inbox page and ``tasks/`` list, whatever the city's size (issue 30).
INBOX_MS, INBOX_QUERIES = 50, 8
# The stock viewflow pages are measured, not judged; the slow queue needs few runs to show it.
STOCK_REPEAT = 5
# Where the stock pages are served for their rows (demo/scale/stock_tasks.py).
STOCK_URLCONF = "demo.scale.stock_tasks"
DETAIL_MS, TRANSITION_MS, VERIFY_MS, REPORT_MS = 150, 50, 30, 2000
BULK_MS = 10_000


def applications_to_make() -> int:
    default = "1000000" if connection.vendor == "postgresql" else "100000"
    return int(os.environ.get("BENCH_APPLICATIONS", default))


@dataclass(frozen=True)
class Operation:
    name: str
    size: int
    function: object
    repeat: int
    budget_ms: float | None = None
    budget_queries: int | None = None
    # The URL map the requests are resolved with, when not the project's.
    urlconf: str | None = None


def generate_city():
    """Make the city; return how many rows of each kind were made and the seconds taken."""
    import time

    from django.utils import timezone

    from demo.scale import Progress, Size, generate
    from demo.scale.stock_tasks import add_stock_tasks
    from permissions.models import Officer
    from permissions.roles import Role

    applications = applications_to_make()
    size = Size(
        villages=max(30, applications // 333),
        applications=applications,
        cases=max(200, applications // 100),
        certificates=max(1000, applications // 10),
    )
    started = time.perf_counter()
    counts = generate(size, Progress())
    counts["stock viewflow tasks"] = add_stock_tasks(
        list(Officer.objects.filter(username__in=[f"scale_{role}" for role in Role])),
        timezone.now(),
    )
    return counts, time.perf_counter() - started


def _client(username: str) -> Client:
    from permissions.models import Officer

    client = Client()
    client.force_login(Officer.objects.get(username=username))
    return client


def operations(repeat: int) -> list[Operation]:
    """What to measure, on the city made by :func:`generate_city`."""
    from casework import clock
    from casework.models import Application, ApplicationStatus, MigrantCertificate
    from permissions.models import Officer

    S = ApplicationStatus
    total = Application.objects.count()
    village, township = _client("scale_village_officer"), _client("scale_township_reviewer")
    county, supervisor = _client("scale_county_approver"), _client("scale_supervisor")
    reviewer = Officer.objects.get(username="scale_township_reviewer")
    approver = Officer.objects.get(username="scale_county_approver")
    sample = (
        Application.objects.filter(status=S.ENROLLED, region_id__gte=reviewer.jurisdiction_id)
        .order_by("region_id", "id")
        .first()
    )
    name = sample.applicant.name
    code = (
        MigrantCertificate.objects.filter(status="issued")
        .values_list("document__code", flat=True)
        .first()
    )
    year = clock.today().year - 1

    def lists(label, client, path, filtered, searched=True):
        made = [
            Operation(f"{label}, first page", total, lambda: client.get(path), repeat),
            Operation(f"{label}, filtered", total, lambda: client.get(path, filtered), repeat),
        ]
        if searched:
            made.append(
                Operation(
                    f"{label}, searched", total, lambda: client.get(path, {"q": name}), repeat
                )
            )
        return [
            Operation(o.name, o.size, o.function, o.repeat, LIST_MS, LIST_QUERIES) for o in made
        ]

    status = {"status": S.AWAITING_TOWNSHIP}
    made = inboxes(repeat)
    made += [
        Operation(o.name, o.size, o.function, o.repeat, INBOX_MS, INBOX_QUERIES)
        for o in lists(
            "inbox page, township, one step",
            township,
            "/tasks/",
            {"step": S.AWAITING_TOWNSHIP},
            False,
        )
        + lists("API tasks/, township", township, "/api/v1/tasks/", {"overdue": "true"}, False)
    ]
    made += lists("applications page, county", county, "/applications/", status)
    made += lists("applications page, village", village, "/applications/", status)
    made += lists("API applications/, county", county, "/api/v1/applications/", status)
    made += lists("API applications/, township", township, "/api/v1/applications/", status)
    made += lists("cases page, supervisor", supervisor, "/cases/", {"status": "registered"})
    made += lists("certificates page, county", county, "/certificates/", {"status": "issued"})
    made.append(
        Operation(
            "application page (timeline)",
            total,
            lambda: county.get(f"/applications/{sample.pk}/"),
            repeat,
            DETAIL_MS,
            LIST_QUERIES,
        )
    )
    made.append(one_transition(reviewer, total, repeat))
    made.append(bulk_approval(approver, total))
    made.append(posting_close(approver, total))
    made.append(
        Operation(
            f"enforcement statistics {year}, county",
            total,
            lambda: supervisor.get("/reports/enforcement/", {"year": year}),
            max(3, repeat // 3),
            REPORT_MS,
        )
    )
    public = Client()
    made.append(
        Operation(
            "certificate verification by code",
            MigrantCertificate.objects.count(),
            lambda: public.get(f"/verify/{code}/"),
            repeat,
            VERIFY_MS,
        )
    )
    return made


def inbox_role(role) -> str:
    """The role's words in the benchmark's tables."""
    return role.value.replace("_", " ")


def inboxes(repeat: int) -> list[Operation]:
    """Every role's inbox page and ``tasks/`` list (ours, against their budget), and beside
    them stock viewflow's inbox and queue pages over the same waiting applications, unjudged."""
    from casework.models import Application
    from permissions.roles import Role

    total = Application.objects.count()
    made = []
    for role in Role:
        if role == Role.ADMINISTRATOR:
            continue
        client, label = _client(f"scale_{role}"), inbox_role(role)
        for name, path in (("inbox page", "/tasks/"), ("API tasks/", "/api/v1/tasks/")):
            made.append(
                Operation(
                    f"{name}, {label}",
                    total,
                    lambda c=client, p=path: c.get(p),
                    repeat,
                    INBOX_MS,
                    INBOX_QUERIES,
                )
            )
        for name, path in (("inbox", "/workflow/inbox/"), ("queue", "/workflow/queue/")):
            made.append(
                Operation(
                    f"stock viewflow {name}, {label}",
                    total,
                    lambda c=client, p=path: c.get(p),
                    min(repeat, STOCK_REPEAT),
                    urlconf=STOCK_URLCONF,
                )
            )
    return made


def one_transition(reviewer, total, repeat) -> Operation:
    """The township check of one application (a different one each time)."""
    from casework.models import Application, ApplicationStatus
    from permissions.audit import Actor
    from permissions.scoping import visible_to
    from workflows.transitions import perform

    waiting = iter(
        list(
            visible_to(reviewer, Application).filter(status=ApplicationStatus.AWAITING_TOWNSHIP)[
                :repeat
            ]
        )
    )

    def check():
        perform("township_check", next(waiting), Actor(reviewer), {"opinion": "同意"})

    return Operation("one transition (township check)", total, check, repeat, TRANSITION_MS)


def bulk_approval(approver, total) -> Operation:
    """The county approval of 1,000 applications at once, as the list page sends it."""
    from casework.models import Application, ApplicationStatus
    from permissions.audit import Actor
    from permissions.scoping import visible_to
    from workflows.bulk import run_bulk

    ids = list(
        visible_to(approver, Application)
        .filter(status=ApplicationStatus.AWAITING_APPROVAL)
        .values_list("id", flat=True)[:1000]
    )

    def approve():
        results = run_bulk(Actor(approver), "approve", ids, {"opinion": "同意"}).results
        failed = [row for row in results if not row.done]
        if failed:
            raise SystemExit(f"bulk approval: {len(failed)} rows refused: {failed[:3]}")

    return Operation(f"bulk transition: approve {len(ids):,}", total, approve, 1, BULK_MS)


def posting_close(approver, total) -> Operation:
    """Closing a county posting of 1,000 entries (opened here through the real step; its
    notice is left to the background job, as it is in use)."""
    from casework import clock
    from casework.models import Application, ApplicationStatus, Program, Region
    from permissions.audit import Actor
    from permissions.scoping import visible_to
    from workflows.postings import open_posting
    from workflows.transitions import perform

    rechecked = visible_to(approver, Application).filter(status=ApplicationStatus.RECHECKED)
    program = Program.objects.get(code="rural-reward")
    ids = list(rechecked.filter(program=program).values_list("id", flat=True)[:1000])
    today = clock.today()
    opened = open_posting(
        Actor(approver),
        level="county",
        program=program,
        year=today.year,
        region=Region.objects.get(code=approver.jurisdiction_id),
        starts_on=today,
        days=program.posting_days,
        place="县政府公示栏",
        contact_phone="0790-0000000",
        application_ids=ids,
    )
    posting = opened.posting
    after = today + datetime.timedelta(days=program.posting_days + 1)

    def close():
        with override_settings(CASEWORK_TODAY=after.isoformat()):
            perform("close", posting, Actor(approver), {"opinion": "公示期满无异议"})

    return Operation(f"close a posting of {len(ids):,} entries", total, close, 1, BULK_MS)
