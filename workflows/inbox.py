"""What waits for an officer: open viewflow tasks assigned to them or claimable by them.

Counts run in SQL and never load the open set (see ../shared/DESIGN.md §5 on the stock queue).
"""

from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS


def assigned_tasks(user):
    """Open human tasks assigned to the user."""
    return Task.objects.filter(flow_task_type="HUMAN", owner=user, status=STATUS.ASSIGNED)


def claimable_tasks(user):
    """Open human tasks the user may claim."""
    return Task.objects.user_queue(user).filter(status=STATUS.NEW)


def inbox_count(user) -> int:
    """How many tasks wait for the user, assigned or claimable."""
    return assigned_tasks(user).count() + claimable_tasks(user).count()
