"""Refuse further login attempts after repeated failures from one address for one username.

Shared by the login page and the API token endpoint, so neither is an easier way in.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(username: str, address: str | None) -> str:
    digest = hashlib.sha256(f"{(username or '').lower()}|{address or ''}".encode()).hexdigest()
    return f"login-failures:{digest}"


def is_locked_out(username: str, address: str | None) -> bool:
    return cache.get(_key(username, address), 0) >= settings.CASEWORK_LOGIN_FAILURE_LIMIT


def register_failure(username: str, address: str | None) -> None:
    key = _key(username, address)
    cache.add(key, 0, timeout=settings.CASEWORK_LOGIN_LOCKOUT_SECONDS)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=settings.CASEWORK_LOGIN_LOCKOUT_SECONDS)


def clear_failures(username: str, address: str | None) -> None:
    cache.delete(_key(username, address))
