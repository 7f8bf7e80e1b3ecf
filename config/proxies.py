"""The client's address behind a load balancer.

Login throttling, the public rate limits and the audit log all read ``REMOTE_ADDR``. Behind a
balancer that is the balancer's address, so every officer would share one throttle and one
address in the log. For a request that comes from one of ``CASEWORK_PROXY_ADDRESSES``, the
address is taken from X-Forwarded-For instead: the right-most entry that is not itself one of
our proxies, because a client can write anything to the left of what our proxies append.
"""

from django.conf import settings


def client_address(remote_addr: str, forwarded_for: str, proxies: frozenset[str]) -> str:
    """The address of the client a request is for, given its peer and X-Forwarded-For."""
    if remote_addr not in proxies:
        return remote_addr
    for address in reversed([part.strip() for part in forwarded_for.split(",")]):
        if address and address not in proxies:
            return address
    return remote_addr


class ClientAddressMiddleware:
    """Set ``REMOTE_ADDR`` to the client's address for requests relayed by our proxies."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        proxies = settings.CASEWORK_PROXY_ADDRESSES
        if proxies:
            request.META["REMOTE_ADDR"] = client_address(
                request.META.get("REMOTE_ADDR", ""),
                request.META.get("HTTP_X_FORWARDED_FOR", ""),
                proxies,
            )
        return self.get_response(request)
