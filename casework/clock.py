"""The one clock of the system.

Every rule that depends on "today" (ages, deadlines, posting periods, expiry) asks this module,
so that demos and tests can pin the date with ``CASEWORK_TODAY`` (refused when DEBUG is off).
"""

import datetime
from contextlib import AbstractContextManager

from django.conf import settings
from django.test.utils import override_settings
from django.utils import timezone


def today() -> datetime.date:
    """Return the date the system treats as today, in the configured time zone."""
    pinned = getattr(settings, "CASEWORK_TODAY", "")
    if pinned:
        return datetime.date.fromisoformat(pinned)
    return timezone.localdate()


def now() -> datetime.datetime:
    """Return the current aware time; on a pinned day, that day at the current local time."""
    current = timezone.now()
    pinned = getattr(settings, "CASEWORK_TODAY", "")
    if not pinned:
        return current
    local = timezone.localtime(current)
    return local.replace(year=int(pinned[0:4]), month=int(pinned[5:7]), day=int(pinned[8:10]))


def pinned(day: datetime.date) -> AbstractContextManager:
    """Pin the clock to ``day`` inside the block (``CASEWORK_TODAY``): the demo and the
    benchmarks build weeks of work on the days it would have happened."""
    return override_settings(CASEWORK_TODAY=day.isoformat())
