"""Finding likely duplicate persons (一人一份): persons with a live application or entitlement
who share name, birth date and spouse (the spouse's name and birth date) with another such
person of a different ID number, anywhere: across villages and counties.

The refusal half of "one person, one entitlement" (``Application.clean``) stops a second
application of the same ``Person``; a person registered twice under two ID numbers slips past
it, so those pairs are flagged here for a supervisor to resolve (``workflows/duplicates.py``).
"""

from dataclasses import dataclass
from itertools import combinations

from django.db import transaction
from django.db.models import F, Max, Min, Window
from django.utils.translation import gettext as _
from django_tasks import task

from casework import clock, jobs
from casework.models import Application, DuplicateSuspect, Job

JOB_KIND = "duplicates"

# What must match: the applicant's name and birth date and the spouse's.
_MATCH = ("applicant__name", "applicant__birth_date", "spouse__name", "spouse__birth_date")


@dataclass(frozen=True)
class SuspectedPair:
    """Two persons (the lower id first) and the latest live application of each."""

    person_a: int
    person_b: int
    application_a: int
    application_b: int


@dataclass(frozen=True)
class FindResult:
    found: int
    added: int

    def as_dict(self) -> dict:
        return {"found": self.found, "added": self.added}


def suspected_pairs() -> list[SuspectedPair]:
    """Every pair of distinct persons whose live applications match on ``_MATCH``.

    One query: a window over the live applications with a spouse, partitioned by the matched
    values, keeps only the partitions holding more than one applicant. Two ``Person`` rows
    always differ in ID number (it is unique), so a person with two applications of their own
    is never paired with themselves.
    """
    partition = [F(field) for field in _MATCH]
    rows = (
        Application.objects.live()
        .filter(spouse__isnull=False)
        .annotate(
            lowest=Window(Min("applicant_id"), partition_by=partition),
            highest=Window(Max("applicant_id"), partition_by=partition),
        )
        .filter(lowest__lt=F("highest"))
        .order_by("created_at", "pk")
        .values_list("pk", "applicant_id", *_MATCH)
    )
    # Per matched values, each person's latest live application (rows come oldest first).
    groups: dict[tuple, dict[int, int]] = {}
    for pk, applicant_id, *key in rows:
        groups.setdefault(tuple(key), {})[applicant_id] = pk
    pairs = []
    for latest in groups.values():
        for a, b in combinations(sorted(latest), 2):
            pairs.append(SuspectedPair(a, b, latest[a], latest[b]))
    return pairs


def find_duplicates() -> FindResult:
    """Record every suspected pair not recorded yet, as open; a pair already recorded (open or
    resolved either way) is left exactly as it is, so a resolved pair is never reopened."""
    pairs = {(pair.person_a, pair.person_b): pair for pair in suspected_pairs()}
    known = set(
        DuplicateSuspect.objects.filter(person_a_id__in={a for a, _b in pairs}).values_list(
            "person_a_id", "person_b_id"
        )
    )
    now = clock.now()
    new = [
        DuplicateSuspect(
            person_a_id=pair.person_a,
            person_b_id=pair.person_b,
            application_a_id=pair.application_a,
            application_b_id=pair.application_b,
            found_at=now,
        )
        for key, pair in pairs.items()
        if key not in known
    ]
    with transaction.atomic():
        # A search running at the same time may have added some: the unique pair skips them.
        DuplicateSuspect.objects.bulk_create(new, ignore_conflicts=True)
    return FindResult(found=len(pairs), added=len(new))


def start_search(officer) -> Job:
    """Queue a search (``find_duplicates``) as a background job the officer can follow."""
    return jobs.start_job(officer, JOB_KIND, _("Search for likely duplicates"), search, total=1)


@task()
def search(job_id: str) -> None:
    """The background search: the same work as ``manage.py find_duplicates``."""
    with jobs.running(job_id) as job:
        job.result = find_duplicates().as_dict()
        job.advance()
