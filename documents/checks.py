"""Every public verification is logged and rate-limited per client address."""

from django.conf import settings

from casework import clock, ratelimit
from documents.models import Document, VerificationCheck


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
    """Count a public page's check against CASEWORK_VERIFY_RATE, the API throttle's rate."""
    rate = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["verify"]
    return ratelimit.over_limit(request, "verify-page", rate)
