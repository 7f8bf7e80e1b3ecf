"""Small pieces every list and form page shares."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from casework.paginators import KeysFirstPaginator
from permissions.audit import Actor
from workflows.transitions import TransitionConflict, perform
from workflows.transitions import describe_refusal as describe


def paginate(request, queryset, per_page: int | None = None):
    """One page of a queryset from ``?page=``; out-of-range pages show the last page."""
    paginator = KeysFirstPaginator(queryset, per_page or settings.CASEWORK_PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def querystring_without_page(request) -> str:
    """The current filters as a query string, for pagination links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def export_url(request, basename: str) -> str:
    """The API list of ``basename`` with the page's filters, as a workbook (``?format=xlsx``)."""
    base = reverse("api-me").removesuffix("me/")
    path = reverse(f"{basename}-list", urlconf="casework.api.urls").lstrip("/")
    params = request.GET.copy()
    params.pop("page", None)
    params["format"] = "xlsx"
    return f"{base}{path}?{params.urlencode()}"


def run_form_action(form, action) -> bool:
    """Call ``action()``; put its validation or permission errors on the form instead of failing."""
    try:
        action()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            form.add_error(None, error.messages)
        return False
    except PermissionDenied as error:
        form.add_error(None, str(error))
        return False
    return True


def run_step(request, name: str, obj) -> bool:
    """Run a named step from a page's POST and say how it went in a message."""
    try:
        perform(name, obj, Actor.from_request(request), request.POST, request.FILES)
    except LookupError:
        messages.error(request, _("No such step."))
    except (ValidationError, PermissionDenied, TransitionConflict) as error:
        messages.error(request, describe(error))
    else:
        messages.success(request, _("Done."))
        return True
    return False
