"""Checks of a request's query and form fields shared by the pages (middleware) and the API
(``web.api.inputs``), so neither door lets a value reach the database in a shape that
fails there: PostgreSQL refuses NUL in text, and SQLite refuses LIKE patterns of 50,000 bytes.
"""

from django.http import QueryDict
from django.utils.translation import gettext as _

NUL = "\x00"
# No filter or search value is longer (names, numbers, codes, file names of 200 at most); a
# longer one is a mistake.
MAX_QUERY_VALUE = 200


def shown(name) -> str:
    """A field's name as an answer names it; the NUL itself would only make it unreadable."""
    return str(name).replace(NUL, "")


def query_problems(params: QueryDict) -> dict[str, str]:
    """What is wrong with each query parameter (filter, search, page) that holds a NUL or is
    longer than anything it could match, by parameter."""
    problems = {}
    for name, values in params.lists():
        if NUL in name or any(NUL in value for value in values):
            problems[shown(name)] = _("Null characters are not allowed.")
        elif any(len(value) > MAX_QUERY_VALUE for value in values):
            problems[shown(name)] = _("Ensure this value has at most %(limit)d characters.") % {
                "limit": MAX_QUERY_VALUE
            }
    return problems


def form_problems(data: QueryDict, files) -> dict[str, str]:
    """The posted form fields and uploaded file names that hold a NUL, by field (a parsed
    multipart body may hold the files among its fields: only text is read there)."""
    problems = {
        shown(name): _("Null characters are not allowed.")
        for name, values in data.lists()
        if NUL in name or any(isinstance(value, str) and NUL in value for value in values)
    }
    for name, upload in files.items():
        if NUL in (upload.name or ""):
            problems[shown(name)] = _("Null characters are not allowed.")
    return problems
