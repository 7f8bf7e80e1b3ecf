"""The levels above the village: the township check (乡镇审核), the county inspector's recheck
(县级复核) and the county approval (县级审批), and returning an application to the level below.

Whoever signs a level answers for it (谁签字谁负责): no officer signs two levels of one
application (``permissions.separation.one_level_per_officer``).
"""

from django.db import models, transaction
from django.utils.translation import gettext_lazy

from casework.models import Application, Level
from permissions import rules
from permissions.audit import Actor
from permissions.scoping import visible_to
from workflows.applications import VisitForm, record_household_visit
from workflows.transitions import RowResult, Signs, Step, Steps, move, move_many, perform_many


class TownshipDecision(models.TextChoices):
    PASS = "pass", gettext_lazy("pass")
    RETURN = "return", gettext_lazy("return to the village")
    DEFER = "defer", gettext_lazy("defer")
    REJECT = "reject", gettext_lazy("reject")


# The step each township decision runs.
TOWNSHIP_DECISION_STEPS = {
    TownshipDecision.PASS: "township_check",
    TownshipDecision.RETURN: "return",
    TownshipDecision.DEFER: "defer",
    TownshipDecision.REJECT: "reject",
}


def record_township_checks(actor: Actor, decisions: dict[int, tuple[str, str]]) -> list[RowResult]:
    """The township reviewer's decisions on many applications; each row done or refused with
    why, each in its own savepoint so a refused row never undoes the others."""
    applications = _visible(actor, decisions)
    results = []
    for application_id, (decision, opinion) in decisions.items():
        results += perform_many(
            TOWNSHIP_DECISION_STEPS[decision],
            applications,
            [application_id],
            actor,
            {"opinion": opinion},
            done_message=str(TownshipDecision(decision).label),
        )
    return results


def _visible(actor, ids) -> dict[int, Application]:
    return (
        visible_to(actor.officer, Application)
        .select_related("program", "applicant", "region")
        .in_bulk(list(ids))
    )


def _moves(method: str):
    """A step that moves the application by FSM ``method`` with the signer's opinion: as
    ``run`` for one application and ``run_many`` for a bulk step (the level it signs is
    checked before either runs: ``Step.signs``)."""

    def run(application, actor, data):
        with transaction.atomic():
            return move(application, method, actor, opinion=data.get("opinion", ""))

    def run_many(applications, actor, data) -> dict[int, str]:
        _moved, moved_on = move_many(applications, method, actor, opinion=data.get("opinion", ""))
        return moved_on

    return {"run": run, "run_many": run_many}


def _county_recheck(application, actor, data):
    return record_household_visit(application, actor, data, level=Level.COUNTY)


# This module's steps and audit actions; workflows/steps.py registers them.
DECLARED = (
    Steps(
        Application,
        (
            Step(
                "township_check",
                gettext_lazy("Pass the township check"),
                "pass_township_check",
                allowed=rules.may_check_at_township,
                **_moves("pass_township_check"),
                signs=Signs("township", "乡镇审核"),
                inbox=gettext_lazy("Township check"),
                bulk=True,
            ),
            Step(
                "county_recheck",
                gettext_lazy("Record the county recheck"),
                "county_recheck",
                _county_recheck,
                rules.may_recheck_at_county,
                form=VisitForm,
                signs=Signs("county_recheck", "县级复核"),
                inbox=gettext_lazy("County recheck"),
            ),
            Step(
                "approve",
                gettext_lazy("Approve"),
                "approve",
                allowed=rules.may_approve_at_county,
                **_moves("approve"),
                signs=Signs("county_approval", "县级审批"),
                confirm=gettext_lazy("Approve this application? It goes to the city for filing."),
                inbox=gettext_lazy("County approval"),
                bulk=True,
            ),
        ),
        labels={
            "pass_township_check": gettext_lazy("Passed the township check"),
            "county_recheck": gettext_lazy("Rechecked by the county"),
            "approve": gettext_lazy("Approved by the county"),
        },
    ),
)
