"""What waits for an officer: open viewflow tasks assigned to them or claimable by them.

Counts run in SQL and never load the open set (see ../shared/DESIGN.md §5 on the stock queue).
"""

from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from casework import region_codes
from casework.models import CertificateNotice, NoticeStatus
from permissions.scoping import visible_to


def assigned_tasks(user):
    """Open human tasks assigned to the user."""
    return Task.objects.filter(flow_task_type="HUMAN", owner=user, status=STATUS.ASSIGNED)


def claimable_tasks(user):
    """Open human tasks the user may claim."""
    return Task.objects.user_queue(user).filter(status=STATUS.NEW)


def inbox_count(user) -> int:
    """How many tasks wait for the user, assigned or claimable."""
    return assigned_tasks(user).count() + claimable_tasks(user).count()


def notices_waiting(user):
    """Notices between areas addressed to the user's townships and not yet acknowledged."""
    if user.jurisdiction_id is None:
        return CertificateNotice.objects.none()
    low, high = region_codes.subtree_bounds(user.jurisdiction_id)
    return visible_to(user, CertificateNotice).filter(
        status=NoticeStatus.SENT, to_region_id__gte=low, to_region_id__lte=high
    )
