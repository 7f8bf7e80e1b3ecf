"""One step on many applications at once, as officers work: the filtered list, the rows
ticked, one opinion; every row answers done or refused and why."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from casework.models import Application, Job
from permissions import rules
from permissions.audit import Actor
from permissions.scoping import visible_to
from workflows import recipients
from workflows.transitions import RowResult, perform_many, steps_of


def bulk_steps_for(user) -> list[tuple[str, str]]:
    """The steps offered in bulk on the application list (``Step.bulk``) that the user's roles
    may take somewhere, forward ones first, as (name, label) choices."""
    return [
        (step.name, str(step.label))
        for step in sorted(steps_of(Application).values(), key=lambda step: step.aside)
        if step.bulk and rules.holds_role_for(user, step.allowed)
    ]


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
        .prefetch_related("program__standards", "program__conditions")
        .in_bulk(ids)
    )
    if name == "file":
        filed = recipients.file_applications(actor, applications, ids, data.get("opinion", ""))
        return BulkRun(filed.results, filed.forms_job)
    return BulkRun(perform_many(name, applications, ids, actor, data))


NO_STEP = gettext_lazy("Choose a step this list offers.")
