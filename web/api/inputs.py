"""What every API view checks of a request before it acts, so that no input, however bad,
reaches the database or a form in a shape that fails there (../shared/API.md: bad input is
400 ``invalid``, an id of nothing is 404 ``not_found``, never 500).

- Path ids: ``pk`` and every ``…_id`` in the path must be a number the database can hold;
  anything else ("abc", full-width digits, thirty digits) names nothing.
- NUL characters: PostgreSQL refuses them in text, so one in the path names nothing and one in
  a query parameter, a body field or a file name is refused, naming where it was.
- Bodies: a body must be an object of named fields (a JSON list, string, number or null is
  refused) and must parse at all.

Views that hand the body to a Django form (the workflows' steps) pass :func:`form_data`, the
body as a browser's form would have sent it, since forms expect text, not JSON's types.
"""

import json
import re
from collections.abc import Mapping

from django.http import Http404, QueryDict
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.renderers import JSONRenderer

from web.request_checks import NUL, form_problems, query_problems, shown

# Ids are positive integers the database can hold: 18 digits always fit a 64-bit integer.
ID_PATTERN = re.compile(r"[0-9]{1,18}")


class CheckedInputMixin:
    """Checks the path, the query and the body of every request once the caller is known
    (so an anonymous caller still gets 401 first). Put it first among an API view's bases."""

    def initial(self, request, *args, **kwargs):
        """Run DRF's checks (authentication, permissions, throttling), then the input's."""
        super().initial(request, *args, **kwargs)
        check_path(self.kwargs)
        check_query(request.query_params)
        if request.method not in SAFE_METHODS or _has_body(request):
            check_body(request)

    def finalize_response(self, request, response, *args, **kwargs):
        """An error body is JSON whatever format was asked for: a workbook or a bank file of
        an error would hide it (and their renderers expect the rows, not an error)."""
        if _is_error(response) and getattr(request, "accepted_renderer", None) is not None:
            if request.accepted_renderer.format not in ("json", "api"):
                request.accepted_renderer = JSONRenderer()
                request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


def _is_error(response) -> bool:
    data = getattr(response, "data", None)
    return response.status_code >= 400 and isinstance(data, dict) and "error" in data


def _has_body(request) -> bool:
    # A GET's body means nothing, but a view that reads it anyway must get an object too.
    length = request.META.get("CONTENT_LENGTH") or "0"
    return length != "0" or bool(request.META.get("HTTP_TRANSFER_ENCODING"))


def check_path(kwargs: Mapping) -> None:
    """An id that is not a storable number, or any path value with a NUL, names nothing."""
    for name, value in kwargs.items():
        if not isinstance(value, str):
            continue  # converted by the URL pattern (a job's UUID)
        if NUL in value or (_is_id(name) and not ID_PATTERN.fullmatch(value)):
            raise Http404


def _is_id(name: str) -> bool:
    return name == "pk" or name.endswith("_id")


def parse_id(value) -> int | None:
    """An id given in a body or query (``"12"`` or ``12``) as an int, or None when it is not
    a storable id (full-width digits, thirty digits, anything else)."""
    text = str(value) if isinstance(value, int | str) and not isinstance(value, bool) else ""
    return int(text) if ID_PATTERN.fullmatch(text) else None


def check_query(params: QueryDict) -> None:
    """Refuse a query parameter (filter, search, page) holding a NUL, or longer than anything
    it could match, naming it."""
    problems = query_problems(params)
    if problems:
        raise ValidationError({name: [message] for name, message in problems.items()})


def check_body(request) -> None:
    """Refuse a body that is not an object of fields, or that holds a NUL in a field's name or
    value (at any depth) or in an uploaded file's name, naming the field. Reading the body
    here also turns a malformed one into a 400 (ParseError) before the view runs."""
    data = request.data
    if not isinstance(data, Mapping):
        raise ValidationError(
            {
                "non_field_errors": [
                    _("The request body must be a JSON object of named fields, not %(kind)s.")
                    % {"kind": _kind_of(data)}
                ]
            }
        )
    if isinstance(data, QueryDict):
        bad = form_problems(data, request.FILES)
    else:
        bad = {
            shown(name): _("Null characters are not allowed.")
            for name, value in data.items()
            if _has_nul(name) or _has_nul(value)
        }
    if bad:
        raise ValidationError({name: [message] for name, message in bad.items()})


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, Mapping):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(item) for item in value)
    return False


def _kind_of(data) -> str:
    if isinstance(data, list):
        return _("a list")
    if isinstance(data, str):
        return _("a string")
    if isinstance(data, bool):
        return _("true or false")
    if isinstance(data, int | float):
        return _("a number")
    return _("null")


def form_data(request) -> QueryDict:
    """The body as a browser's form would have posted it, for the Django forms of the
    workflows: every value text, a list as a field's several values, an object as its JSON
    text, null as no value. A form then refuses a wrong type as invalid, where JSON's own
    types would make its fields fail (a date field calls ``.strip()`` on what it gets)."""
    data = request.data
    if isinstance(data, QueryDict):
        return data
    form = QueryDict(mutable=True)
    for name, value in data.items():
        if value is None:
            continue
        values = value if isinstance(value, list) else [value]
        form.setlist(name, [_as_text(item) for item in values if item is not None])
    return form


def _as_text(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)
