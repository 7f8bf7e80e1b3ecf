"""One step on many applications at once, as officers work: the filtered list, the rows
ticked, one opinion; every row answers done or refused and why."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from casework.models import Application, Job
from permissions.audit import Actor
from permissions.scoping import visible_to
from workflows import recipients
from workflows.transitions import RowResult, perform_many, steps_of

# The steps offered in bulk on the application list, in the order of the chain. (Visits and
# rechecks are one household at a time; appraisals and postings have their own forms.)
BULK_STEPS = (
    "township_check",
    "approve",
    "file",
    "annual_review",
    "return",
    "defer",
    "resume",
    "reject",
)


def bulk_steps_for(user) -> list[tuple[str, str]]:
    """The bulk steps whose permission the user's roles carry, as (name, label) choices."""
    steps = steps_of(Application)
    return [
        (name, str(steps[name].label))
        for name in BULK_STEPS
        if name in steps and any(user.has_perm(p) for p in _PERMISSIONS[name])
    ]


_EVERY_LEVEL = (
    "casework.work_village_stage",
    "casework.check_at_township",
    "casework.recheck_at_county",
    "casework.approve_at_county",
    "casework.file_at_city",
)
_PERMISSIONS = {
    "township_check": ("casework.check_at_township",),
    "approve": ("casework.approve_at_county",),
    "file": ("casework.file_at_city",),
    "annual_review": ("casework.work_village_stage",),
    "return": _EVERY_LEVEL[1:],
    "defer": _EVERY_LEVEL,
    "resume": _EVERY_LEVEL,
    "reject": _EVERY_LEVEL,
}


@dataclass
class BulkRun:
    """Each row's answer, and the background job issuing the step's documents if it queued
    one (filing: the filed applications' forms)."""

    results: list[RowResult]
    job: Job | None = None


def run_bulk(actor: Actor, name: str, ids: list[int], data) -> BulkRun:
    """Run step ``name`` on the applications ``ids`` of the actor's jurisdiction, row by row;
    filing puts the rows of one program into one city filing."""
    applications = (
        visible_to(actor.officer, Application)
        .select_related("program", "applicant", "region")
        .prefetch_related("program__standards")
        .in_bulk(ids)
    )
    if name == "file":
        filed = recipients.file_applications(actor, applications, ids, data.get("opinion", ""))
        return BulkRun(filed.results, filed.forms_job)
    return BulkRun(perform_many(name, applications, ids, actor, data))


NO_STEP = gettext_lazy("Choose a step this list offers.")
