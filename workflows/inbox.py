"""What waits for an officer: the open tasks of the applications in their jurisdiction at the
steps their roles act at, with counts per step and overdue flags; the recipients due for the
annual review; the notices between areas waiting for acknowledgement.

Counts run in SQL and never load the open set (see ../shared/DESIGN.md §5 on the stock queue).
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from casework import clock, region_codes
from casework.models import (
    Application,
    ApplicationStatus,
    CaseStatus,
    CertificateNotice,
    ChangeRequest,
    ChangeStatus,
    EnforcementCase,
    NoticeStatus,
)
from casework.models.cases import add_working_days
from permissions import rules
from permissions.scoping import visible_to
from workflows import recipients
from workflows.transitions import Waiting, waiting_at


def steps() -> list[Waiting]:
    """Where an application waits for an officer, in the order of the chain: the steps'
    ``inbox`` lines and the declared waits of the processes (workflows/steps.py)."""
    return waiting_at(Application)


@dataclass(frozen=True)
class InboxRow:
    status: str
    status_display: str
    action: str
    waiting: int
    overdue: int


def steps_for(user) -> list[Waiting]:
    """The inbox steps the user's roles act at."""
    return [step for step in steps() if user.has_perm(step.permission)]


def application_inbox(user) -> list[InboxRow]:
    """How many applications wait at each of the user's steps, and how many of them longer
    than ``CASEWORK_STEP_OVERDUE_DAYS``: one grouped query read from the index
    ``application_waiting`` alone (hence ``COUNT(*)`` and a count of an indexed column, never of
    ``id`` through the table), whatever their number."""
    steps = steps_for(user)
    if not steps:
        return []
    counts = {
        row["status"]: (row["waiting"], row["overdue"])
        for row in visible_to(user, Application)
        .filter(status__in=[step.status for step in steps])
        .order_by()
        .values("status")
        .annotate(
            waiting=Count("*"),
            overdue=Count("status_changed_at", filter=overdue_application_q()),
        )
    }
    return [
        InboxRow(
            step.status,
            str(ApplicationStatus(step.status).label),
            str(step.action),
            *counts.get(step.status, (0, 0)),
        )
        for step in steps
    ]


# What an inbox row shows: who, where, which program, at which step since when.
_SHOWN = (
    "status",
    "status_changed_at",
    "applicant__name",
    "region__name",
    "program__name",
)


def waiting_count(rows: list[InboxRow], *, step: str = "", overdue: bool = False) -> int:
    """How many rows :func:`waiting_applications` finds with ``step`` and ``overdue``, from the
    user's :func:`application_inbox` counts (so the inbox page needs no ``COUNT`` of its own)."""
    return sum(
        row.overdue if overdue else row.waiting for row in rows if not step or row.status == step
    )


def waiting_applications(user, *, step: str = "", overdue: bool = False) -> QuerySet:
    """The applications of the user's jurisdiction waiting at the user's steps (or at
    ``step`` only; only the overdue ones with ``overdue``), longest waiting first: the rows of
    the inbox page and of ``GET tasks/``, with only the columns they show (a page reads 50 rows
    with their applicant, village and program, not every column of the four tables)."""
    steps = [s for s in steps_for(user) if not step or s.status == step]
    waiting = visible_to(user, Application).filter(status__in=[s.status for s in steps])
    if overdue:
        waiting = waiting.filter(overdue_application_q())
    return (
        waiting.select_related("applicant", "region", "program")
        .only(*_SHOWN)
        .order_by("status_changed_at", "pk")
    )


def _overdue_before() -> datetime.datetime:
    return clock.now() - datetime.timedelta(days=settings.CASEWORK_STEP_OVERDUE_DAYS)


def overdue_application_q() -> Q:
    """The condition "overdue" on applications, as the inbox flags them: waiting at a flagged
    step (not a running posting) for more than ``CASEWORK_STEP_OVERDUE_DAYS``."""
    flagged = [step.status for step in steps() if step.flagged]
    return Q(status__in=flagged, status_changed_at__lt=_overdue_before())


def is_overdue(application) -> bool:
    """Whether an application (of ``waiting_applications``) has waited too long."""
    step = next((s for s in steps() if s.status == application.status), None)
    return bool(step and step.flagged and application.status_changed_at < _overdue_before())


@dataclass(frozen=True)
class ReviewsDue:
    year: int
    due: int
    deadline: datetime.date
    overdue: bool


def annual_reviews_due(user) -> ReviewsDue | None:
    """Recipients of the user's villages not yet reviewed this year (village officers only);
    all of them are flagged once the year's deadline has passed."""
    if not user.has_perm(rules.may_work_at_village.permission):
        return None
    year = clock.today().year
    due = visible_to(user, Application).due_for_annual_review(year).count()
    return ReviewsDue(year, due, recipients.review_deadline(year), recipients.reviews_overdue())


def overdue_case_q() -> Q:
    """The condition "overdue" on enforcement cases: a clue past its registration deadline
    (working days from receipt) or a registered case past its decision deadline."""
    today = clock.today()
    clue_cutoff = add_working_days(today, -settings.CASEWORK_REGISTRATION_WORKING_DAYS)
    return Q(status=CaseStatus.CLUE, received_on__lt=clue_cutoff) | Q(
        status=CaseStatus.REGISTERED, decision_due__lt=today
    )


def case_inbox(user) -> list[InboxRow]:
    """The enforcement cases waiting for the user at the lines of their roles (the case steps'
    ``inbox``: proposals for approvers, their own cases for investigators); a clue past its
    registration deadline or a case past its decision deadline is overdue. One grouped query."""
    lines = [line for line in waiting_at(EnforcementCase) if user.has_perm(line.permission)]
    if not lines:
        return []
    late = overdue_case_q()
    counts = {
        row["status"]: (row["waiting"], row["overdue"])
        for row in visible_to(user, EnforcementCase)
        .filter(status__in=[line.status for line in lines])
        .values("status")
        .annotate(waiting=Count("pk"), overdue=Count("pk", filter=late))
        .order_by()
    }
    return [
        InboxRow(
            line.status,
            str(CaseStatus(line.status).label),
            str(line.action),
            *counts.get(line.status, (0, 0)),
        )
        for line in lines
    ]


def change_inbox(user) -> list[InboxRow]:
    """The change requests of recipients in the township reviewer's jurisdiction waiting for a
    decision, those older than ``CASEWORK_STEP_OVERDUE_DAYS`` overdue; one query."""
    if not user.has_perm(rules.may_check_at_township.permission):
        return []
    late = clock.now() - datetime.timedelta(days=settings.CASEWORK_STEP_OVERDUE_DAYS)
    counts = (
        visible_to(user, ChangeRequest)
        .filter(status=ChangeStatus.REQUESTED)
        .aggregate(waiting=Count("pk"), overdue=Count("pk", filter=Q(requested_at__lt=late)))
    )
    return [
        InboxRow(
            ChangeStatus.REQUESTED,
            str(ChangeStatus.REQUESTED.label),
            str(_("Approve or reject the change")),
            counts["waiting"],
            counts["overdue"],
        )
    ]


def inbox_count(user) -> int:
    """How many cases wait for the user at their steps (the home page's figure)."""
    rows = application_inbox(user) + case_inbox(user) + change_inbox(user)
    return sum(row.waiting for row in rows)


def notices_waiting(user):
    """Notices between areas addressed to the user's townships and not yet acknowledged."""
    if user.jurisdiction_id is None:
        return CertificateNotice.objects.none()
    low, high = region_codes.subtree_bounds(user.jurisdiction_id)
    return visible_to(user, CertificateNotice).filter(
        status=NoticeStatus.SENT, to_region_id__gte=low, to_region_id__lte=high
    )
