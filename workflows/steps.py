"""Every step of every process, registered here and nowhere else.

Each process module declares its steps as data (``DECLARED``, a tuple of
:class:`workflows.transitions.Steps`); this module gathers them in the order the pages list
them and registers them once, when the app is ready (workflows/apps.py). A reader follows a
step from its URL (``<kind>/<pk>/steps/<name>/``, or the API's ``transitions/<name>/``) through
``transitions.perform`` to the declaration named here.
"""

from documents import issuing
from workflows import (
    agreements,
    applications,
    bank_files,
    case_decisions,
    case_files,
    cases,
    certificates,
    changes,
    comparisons,
    duplicates,
    payments,
    postings,
    programs,
    recipients,
    recoveries,
    regions,
    reviews,
)
from workflows.transitions import Steps, register

# Within one model, the order of the modules is the order its forward steps are offered in
# (an application's follow the chain: the village, the levels above it, the recipients).
DECLARED = (
    *applications.DECLARED,
    *reviews.DECLARED,
    *recipients.DECLARED,
    *payments.DECLARED,
    *bank_files.DECLARED,
    *case_decisions.DECLARED,
    *case_files.DECLARED,
    *cases.DECLARED,
    *certificates.DECLARED,
    *agreements.DECLARED,
    *changes.DECLARED,
    *comparisons.DECLARED,
    *duplicates.DECLARED,
    *postings.DECLARED,
    *recoveries.DECLARED,
    *regions.DECLARED,
    *programs.DECLARED,
    Steps(None, labels=issuing.ACTION_LABELS),
)


def register_all() -> None:
    """Register every declaration (once, from the app's ``ready``)."""
    for declared in DECLARED:
        register(declared)
