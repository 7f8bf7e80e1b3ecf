"""The viewflow flow of reward and assistance applications.

The application's django-fsm field ``Application.status`` is the single source of truth; the
flow mirrors it and never writes it. See :class:`ApplicationFlow` for why.
"""

from contextlib import contextmanager

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from casework.models import Application, ApplicationStatus
from workflows.models import ApplicationProcess

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
    """A Switch condition: the application followed by the process is at one of ``statuses``."""
    wanted = frozenset(statuses)

    def condition(activation) -> bool:
        return activation.process.artifact.status in wanted

    condition.__name__ = f"status_is_{'_or_'.join(sorted(wanted))}"
    return condition


def _waiting(status: ApplicationStatus):
    """The task of an application waiting at ``status``: completed by the FSM transition that
    moves it on (``processes.follow``), after which the ``route`` switch picks the next task."""
    return flow.Handle(this.mirror).Annotation(title=status.label).Next(this.route)


def _route():
    switch = flow.Switch().Annotation(title=_("Route to the application's status"))
    for status in WAITING:
        switch.Case(getattr(this, status.value), _status_is(status))
    return switch.Case(this.end, _status_is(*TERMINAL))


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


class ApplicationFlow(flow.Flow):
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
    lock_impl = _InTheMovesTransaction()
    process_title = _("Reward and assistance application")
    process_description = _(
        "Follows the application's status: one open task per application, named after the "
        "status it waits at."
    )

    start = (
        flow.StartHandle(this.begin).Annotation(title=_("Application submitted")).Next(this.route)
    )
    route = _route()

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

    def begin(self, activation, application: Application):
        """StartHandle body: the new process follows ``application``."""
        activation.process.artifact = application
        return activation.process

    def mirror(self, activation, application: Application):
        """Handle body: hand the (already moved) application to the process, so the ``route``
        switch reads its new status without loading it again."""
        activation.process.artifact = application
        return activation.process
