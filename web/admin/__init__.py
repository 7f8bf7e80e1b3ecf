"""The operators' admin (``web.admin.site``); Django's autodiscovery imports this package, which
registers every model the operators may touch, one module per part of the house."""

from web.admin import documents, domain, officers  # noqa: F401
