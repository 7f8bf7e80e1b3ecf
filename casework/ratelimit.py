"""Per-address limits for the public pages (verification, online applications)."""

from django.core.cache import cache

_PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


def over_limit(request, scope: str, rate: str) -> bool:
    """Count this request against ``rate`` (e.g. ``120/min``) for its address; True once over."""
    count, _slash, unit = rate.partition("/")
    limit, period = int(count), _PERIODS[unit]
    key = f"ratelimit:{scope}:{request.META.get('REMOTE_ADDR')}"
    cache.add(key, 0, timeout=period)
    try:
        hits = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period)
        hits = 1
    return hits > limit
