"""Every public verification is logged and rate-limited per client address."""

from django.conf import settings
from django.core.cache import cache

from casework import clock
from documents.models import Document, VerificationCheck

_PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


def record_check(request, channel: str, code: str, document: Document | None, outcome: str) -> None:
    """Log one check (time, channel, the code as asked, client address, outcome)."""
    VerificationCheck.objects.create(
        at=clock.now(),
        channel=channel,
        code=(code or "")[:32],
        client_address=request.META.get("REMOTE_ADDR"),
        document=document,
        outcome=outcome,
    )


def over_limit(request) -> bool:
    """Count this request against CASEWORK_VERIFY_RATE for its address; True once over it.

    The API's throttle reads the same rate; this one guards the public pages.
    """
    count, _slash, unit = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["verify"].partition("/")
    limit, period = int(count), _PERIODS[unit]
    key = f"verify-page:{request.META.get('REMOTE_ADDR')}"
    cache.add(key, 0, timeout=period)
    try:
        hits = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period)
        hits = 1
    return hits > limit
