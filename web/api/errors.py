"""The one error shape of the API: {"error": {"code", "message", "fields"}} (../shared/API.md)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from permissions.separation import SeparationOfDuties
from workflows.transitions import TransitionConflict


class Conflict(exceptions.APIException):
    """The transition is not allowed now, or someone changed the object first."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def _messages(detail) -> list[str]:
    if isinstance(detail, dict):
        return [message for value in detail.values() for message in _messages(value)]
    if isinstance(detail, list):
        return [message for value in detail for message in _messages(value)]
    return [str(detail)]


def error_response(
    code: str, message: str, status_code: int, fields=None, headers=None
) -> Response:
    """A response with the contract's error body."""
    body = {"error": {"code": code, "message": message, "fields": fields or {}}}
    return Response(body, status=status_code, headers=headers)


def not_found(request, *args, **kwargs) -> JsonResponse:
    """Any path under the API that names no operation (an id the route's pattern refuses,
    such as a job id that is no UUID): the contract's 404, not the pages' HTML one."""
    body = {
        "error": {
            "code": "not_found",
            "message": _("Not found, or outside your jurisdiction."),
            "fields": {},
        }
    }
    return JsonResponse(body, status=404, json_dumps_params={"ensure_ascii": False})


def exception_handler(exc, context):
    """Translate every failure into the contract's shape, in Chinese."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, TransitionConflict):
        return error_response("conflict", exc.message, status.HTTP_409_CONFLICT)
    if isinstance(exc, SeparationOfDuties):
        return error_response("separation_of_duties", exc.message, status.HTTP_403_FORBIDDEN)
    if isinstance(exc, Http404 | exceptions.NotFound):
        return error_response("not_found", _("Not found, or outside your jurisdiction."), 404)
    if isinstance(exc, DjangoPermissionDenied):
        message = str(exc) or _("Your role may not do this.")
        return error_response("forbidden", message, status.HTTP_403_FORBIDDEN)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        fields = {field: _messages(value) for field, value in detail.items()}
        first = next(iter(fields.values()), [""])[0]
        return error_response(
            "invalid", _("The data is invalid: %(first)s") % {"first": first}, 400, fields
        )
    if isinstance(exc, exceptions.ParseError):
        # DRF's message carries the JSON decoder's English; the caller needs to know the body
        # could not be read at all, which is bad input like any other (API.md: 400 invalid).
        message = _("The request body cannot be read: send a JSON object or form data.")
        return error_response("invalid", message, 400, {"non_field_errors": [message]})
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        return error_response(
            "not_authenticated",
            _("Please log in: credentials are missing or wrong."),
            status.HTTP_401_UNAUTHORIZED,
            headers={"WWW-Authenticate": response.get("WWW-Authenticate", "Token")},
        )
    if isinstance(exc, exceptions.PermissionDenied):
        return error_response("forbidden", str(exc.detail), status.HTTP_403_FORBIDDEN)
    if isinstance(exc, Conflict):
        return error_response("conflict", str(exc.detail), status.HTTP_409_CONFLICT)
    if isinstance(exc, exceptions.Throttled):
        return error_response(
            "throttled",
            _("Too many attempts; try again in %(seconds)d seconds.") % {"seconds": exc.wait or 60},
            status.HTTP_429_TOO_MANY_REQUESTS,
            headers={"Retry-After": str(int(exc.wait or 60))},
        )
    if isinstance(exc, exceptions.MethodNotAllowed):
        return error_response("method_not_allowed", _("This method is not allowed here."), 405)
    return error_response(
        getattr(exc, "default_code", "error"), _messages(exc.detail)[0], response.status_code
    )
