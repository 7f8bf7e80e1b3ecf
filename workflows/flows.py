"""The viewflow flows of the processes: reward and assistance applications and two-illegal
cases.

Each object's django-fsm ``status`` is the single source of truth; its flow mirrors it and
never writes it. See :class:`ApplicationFlow` for why.
"""

from contextlib import contextmanager

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from casework.models import ApplicationStatus, CaseStatus
from workflows.models import ApplicationProcess, CaseProcess

S = ApplicationStatus
# Where an application waits for someone (or for a posting to close): one task each.
WAITING = (
    S.SUBMITTED,
    S.VISITED,
    S.APPRAISED,
    S.VILLAGE_POSTED,
    S.AWAITING_TOWNSHIP,
    S.TOWNSHIP_CHECKED,
    S.TOWNSHIP_POSTED,
    S.AWAITING_COUNTY,
    S.RECHECKED,
    S.COUNTY_POSTED,
    S.AWAITING_APPROVAL,
    S.APPROVED,
    S.ENROLLED,
    S.SUSPENDED,
    S.DEFERRED,
)
# Where the process ends: nobody acts on the application any more.
TERMINAL = (S.REJECTED, S.WITHDRAWN, S.TERMINATED, S.REVOKED)


def _status_is(*statuses):
    """A Switch condition: the object followed by the process is at one of ``statuses``."""
    wanted = frozenset(statuses)

    def condition(activation) -> bool:
        return activation.process.artifact.status in wanted

    condition.__name__ = f"status_is_{'_or_'.join(sorted(wanted))}"
    return condition


def _waiting(status):
    """The task of an object waiting at ``status``: completed by the FSM transition that moves
    it on (``processes.follow``), after which the ``route`` switch picks the next task."""
    return flow.Handle(this.mirror).Annotation(title=status.label).Next(this.route)


def _route(waiting, terminal):
    switch = flow.Switch().Annotation(title=_("Route to the status"))
    for status in waiting:
        switch.Case(getattr(this, status.value), _status_is(status))
    return switch.Case(this.end, _status_is(*terminal))


class _Mirror:
    """The bodies of a mirror flow's nodes: the process follows its object (``artifact``)."""

    def begin(self, activation, artifact):
        """StartHandle body: the new process follows ``artifact``."""
        activation.process.artifact = artifact
        return activation.process

    def mirror(self, activation, artifact):
        """Handle body: hand the (already moved) object to the process, so the ``route`` switch
        reads its new status without loading it again."""
        activation.process.artifact = artifact
        return activation.process


class _InTheMovesTransaction:
    """viewflow's flow lock: the process is only ever moved by ``follow``, inside ``move``'s
    transaction, which holds the application's row lock (``select_for_update``); that already
    serialises the moves of one process. Viewflow's default ``no_lock`` would only add a
    savepoint per step; outside a transaction (viewflow's own views) this opens one as it does.
    """

    @contextmanager
    def __call__(self, flow_class, process_pk):
        if transaction.get_connection().in_atomic_block:
            yield
        else:
            with transaction.atomic():
                yield


class ApplicationFlow(_Mirror, flow.Flow):
    """Reward and assistance application

    A mirror of the application's status. ``Application.status`` (django-fsm) is the single
    source of truth: every change of it goes through ``workflows.transitions.move``, whose
    listener ``workflows.processes.follow`` then moves the process along, in the same
    transaction. The flow never writes the status.

    Shape: ``start`` (a StartHandle, run by the first move of the application) goes to the
    ``route`` switch, which picks the task named after the application's current status. Every
    non-terminal status an application can wait at (``submitted``, ``visited``, …,
    ``enrolled``, ``suspended``, ``deferred``) is one ``Handle`` task whose next node is that
    same ``route`` switch; the terminal statuses (rejected, withdrawn, terminated, revoked) go
    to ``end``, which finishes the process. Each move completes the open Handle task and the
    switch opens the task of the new status, so every process has exactly one open task, and
    its name is the application's status; a finished process means a closed application.

    Why a mirror rather than a graph of the chain: much of the chain is not one officer doing
    one task on one case. Appraisals, postings and their closing, and city filings move many
    applications at once; and the chain has backward edges: a return to the level below
    (``send_back``), a deferral that resumes where it stopped, an objection upheld on a
    posting. Those are FSM transitions with their own permissions, conditions and audit;
    drawing them again as viewflow edges would give two graphs to keep in step, and viewflow
    would then decide what may happen next. Here the FSM decides, and the flow follows
    whatever it did, while still giving each application a process, its task history
    (who waited where, since when) and the per-status inboxes.
    """

    process_class = ApplicationProcess
    waiting, terminal = WAITING, TERMINAL
    lock_impl = _InTheMovesTransaction()
    process_title = _("Reward and assistance application")
    process_description = _(
        "Follows the application's status: one open task per application, named after the "
        "status it waits at."
    )

    start = (
        flow.StartHandle(this.begin).Annotation(title=_("Application submitted")).Next(this.route)
    )
    route = _route(WAITING, TERMINAL)

    submitted = _waiting(S.SUBMITTED)
    visited = _waiting(S.VISITED)
    appraised = _waiting(S.APPRAISED)
    village_posted = _waiting(S.VILLAGE_POSTED)
    awaiting_township = _waiting(S.AWAITING_TOWNSHIP)
    township_checked = _waiting(S.TOWNSHIP_CHECKED)
    township_posted = _waiting(S.TOWNSHIP_POSTED)
    awaiting_county = _waiting(S.AWAITING_COUNTY)
    rechecked = _waiting(S.RECHECKED)
    county_posted = _waiting(S.COUNTY_POSTED)
    awaiting_approval = _waiting(S.AWAITING_APPROVAL)
    approved = _waiting(S.APPROVED)
    enrolled = _waiting(S.ENROLLED)
    suspended = _waiting(S.SUSPENDED)
    deferred = _waiting(S.DEFERRED)

    end = flow.End().Annotation(title=_("Closed"))


C = CaseStatus
CASE_WAITING = (
    C.CLUE,
    C.REGISTRATION_PROPOSED,
    C.DECLINE_PROPOSED,
    C.REGISTERED,
    C.DECISION_PROPOSED,
    C.DECIDED,
    C.CLOSING_PROPOSED,
)
# A closed case may be reopened: the reopening starts a new process.
CASE_TERMINAL = (C.CLOSED, C.DECLINED)


class CaseFlow(_Mirror, flow.Flow):
    """Two-illegal case

    The same mirror as :class:`ApplicationFlow`: one task per waiting status of the case (the
    investigators' and the approvers' by turns), moved by every FSM transition of the case;
    the approvals are FSM steps with the separation-of-duties rules, and the flow records who
    waited where and since when. A closed or declined case ends its process; a reopened one
    starts a new process.
    """

    process_class = CaseProcess
    waiting, terminal = CASE_WAITING, CASE_TERMINAL
    lock_impl = _InTheMovesTransaction()
    process_title = _("Two-illegal case")
    process_description = _("Follows the case's status: one open task per case.")

    start = flow.StartHandle(this.begin).Annotation(title=_("Clue recorded")).Next(this.route)
    route = _route(CASE_WAITING, CASE_TERMINAL)

    clue = _waiting(C.CLUE)
    registration_proposed = _waiting(C.REGISTRATION_PROPOSED)
    decline_proposed = _waiting(C.DECLINE_PROPOSED)
    registered = _waiting(C.REGISTERED)
    decision_proposed = _waiting(C.DECISION_PROPOSED)
    decided = _waiting(C.DECIDED)
    closing_proposed = _waiting(C.CLOSING_PROPOSED)

    end = flow.End().Annotation(title=_("Closed"))
