"""Pages: one named workflow step of one object, taken from a POST (the "Next steps" forms).

Every kind of object with steps is taken the same way (look the object up within the officer's
reach, run the step, say how it went, go back to the page the form was on), so one view serves
them all from a table, keyed by the URL's first segment: ``<kind>/<pk>/steps/<name>/``. A kind
of object with steps of its own is a row of the table, not a view and a route of its own.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from casework.models import (
    Application,
    CertificateNotice,
    ChangeRequest,
    ComparisonFinding,
    DuplicateSuspect,
    EnforcementCase,
    MigrantCertificate,
    Objection,
    PaymentBatch,
    Posting,
    Recovery,
)
from permissions.models import Officer
from permissions.scoping import get_visible_or_404
from web.pages import local_next, run_step
from web.views.certificates import certificate_rows
from web.views.comparisons import finding_rows
from web.views.duplicates import suspects


@dataclass(frozen=True)
class StepPage:
    """How the steps of one kind of object are taken from its page."""

    model: type[Model]
    # Where the officer goes back to once the step is taken (or refused): the URL for the
    # object, given the request too for pages that name their own (``next``).
    back: Callable[[Model, HttpRequest], str]
    # The rows to look the object up in, for a user, when the model's own are not enough: the
    # related rows ``back`` reads, or a refusal of the whole kind to some roles (403). The
    # lookup narrows them to what the user may see in any case (``get_visible_or_404``).
    rows: Callable[[Officer], QuerySet] | None = None

    def queryset(self, user: Officer) -> QuerySet:
        """The rows to look the object up in for ``user``, not yet narrowed to their reach."""
        return self.rows(user) if self.rows else self.model._default_manager.all()


def _detail(url_name: str, pk: str = "pk") -> Callable[[Model, HttpRequest], str]:
    """Back to a detail page: ``url_name`` of the object's ``pk`` (or of another id of it)."""
    return lambda obj, request: reverse(url_name, args=[getattr(obj, pk)])


def _next_or_notice_list(notice, request) -> str:
    """Back to the page the notice list was on (its filters and page, in ``next``), provided
    ``next`` is a path of this site (:func:`web.pages.local_next`)."""
    return local_next(request) or reverse("notice-list")


# Every kind of object with steps, by the first segment of its URLs.
STEP_PAGES: dict[str, StepPage] = {
    "applications": StepPage(Application, _detail("application-detail")),
    "changes": StepPage(ChangeRequest, _detail("change-detail")),
    "payments": StepPage(PaymentBatch, _detail("batch-detail")),
    # A recovery is shown on its application's page.
    "recoveries": StepPage(Recovery, _detail("application-detail", "application_id")),
    "cases": StepPage(EnforcementCase, _detail("case-detail")),
    "postings": StepPage(Posting, _detail("posting-detail")),
    # An objection is handled on its posting's page; its entry names the posting.
    "objections": StepPage(
        Objection,
        lambda objection, request: reverse("posting-detail", args=[objection.entry.posting_id]),
        rows=lambda user: Objection.objects.select_related("entry"),
    ),
    "certificates": StepPage(
        MigrantCertificate, _detail("certificate-detail"), rows=lambda user: certificate_rows()
    ),
    "duplicates": StepPage(DuplicateSuspect, _detail("duplicate-detail"), rows=suspects),
    # A data comparison's findings are decided on its page, which sends its filters and page
    # along; only findings of a comparison the officer sees are found.
    "findings": StepPage(
        ComparisonFinding,
        lambda finding, request: (
            local_next(request) or reverse("comparison-detail", args=[finding.comparison_id])
        ),
        rows=finding_rows,
    ),
    # Notices are answered from the list, which sends its own address along.
    "notices": StepPage(CertificateNotice, _next_or_notice_list),
}


@login_required
@require_POST
def step(request, kind: str, pk: int, name: str):
    """Take step ``name`` of the ``kind`` object ``pk``: an unknown kind, or an object out of
    the officer's reach, is a 404 like an id of nothing; a refused step comes back to the page
    with the reason, as a taken one does with "Done."."""
    page = STEP_PAGES.get(kind)
    if page is None:
        raise Http404
    obj = get_visible_or_404(request.user, page.queryset(request.user), pk=pk)
    run_step(request, name, obj)
    return HttpResponseRedirect(page.back(obj, request))
