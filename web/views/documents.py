"""Pages: the document registry, downloads, revoking and re-issuing, public verification,
and the progress of background jobs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from documents import checks, issuing, verification
from documents.filters import DocumentFilter
from documents.models import Document, VerificationChannel
from permissions import rules
from permissions.audit import Actor
from permissions.scoping import get_visible_or_404, jobs_visible_to, visible_to
from web import list_columns
from web.forms.documents import ReasonForm, VerifyCodeForm, VerifyUploadForm
from web.pages import (
    export_list,
    page_export_url,
    paginate,
    querystring_without_page,
    wants_workbook,
)
from workflows.transitions import history

# How many of a job's documents its page links (the print file has them all).
JOB_DOCUMENTS_LISTED = 200


@login_required
def document_list(request):
    documents = visible_to(request.user, Document).select_related("office")
    document_filter = DocumentFilter(request.GET, queryset=documents)
    if wants_workbook(request):
        return export_list(_("Documents"), list_columns.DOCUMENTS, document_filter.qs)
    return render(
        request,
        "documents/pages/document_list.html",
        {
            "export_url": page_export_url(request),
            "columns": list_columns.DOCUMENTS,
            "filter": document_filter,
            "page": paginate(request, document_filter.qs),
            "querystring": querystring_without_page(request),
        },
    )


def _document_or_404(request, pk: int) -> Document:
    return get_visible_or_404(
        request.user,
        Document.objects.select_related("office", "region", "issued_by", "previous"),
        pk=pk,
    )


@login_required
def document_detail(request, pk: int):
    document = _document_or_404(request, pk)
    return render(
        request,
        "documents/pages/document_detail.html",
        {
            "document": document,
            "history": history(document),
            "next_version": Document.objects.filter(previous=document).first(),
            "may_manage": rules.may_manage_document(request.user, document),
            "form": ReasonForm(),
        },
    )


@login_required
def document_pdf(request, pk: int):
    document = _document_or_404(request, pk)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=request.GET.get("download") == "1",
        filename=f"{document.number}.pdf",
        content_type="application/pdf",
    )


@login_required
@require_POST
def document_change(request, pk: int, action: str):
    """Revoke or re-issue, after the page's confirmation; both need a reason."""
    document = _document_or_404(request, pk)
    if not rules.may_manage_document(request.user, document):
        raise PermissionDenied(_("Your role may not revoke or re-issue documents."))
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason."))
        return redirect("document-detail", pk=pk)
    actor, reason = Actor.from_request(request), form.cleaned_data["reason"]
    try:
        if action == "revoke":
            issuing.revoke(document, actor, reason)
            messages.success(request, _("%(number)s revoked.") % {"number": document.number})
            return redirect("document-detail", pk=pk)
        new = issuing.reissue(document, actor, reason)
    except ValueError as error:
        messages.error(request, str(error))
        return redirect("document-detail", pk=pk)
    messages.success(request, _("Re-issued as %(number)s.") % {"number": new.number})
    return redirect("document-detail", pk=new.pk)


def verify(request):
    """Public: look a document up by its printed code, or upload a PDF to check it."""
    if request.method == "POST" and checks.over_limit(request):
        return _too_many(request)
    verdict = None
    upload_form = VerifyUploadForm()
    code_form = VerifyCodeForm(request.GET or None)
    if code_form.is_bound and code_form.is_valid():
        return redirect("verify-code", code=code_form.cleaned_data["code"])
    if request.method == "POST":
        upload_form = VerifyUploadForm(request.POST, request.FILES)
        if upload_form.is_valid():
            verdict = verification.verify_pdf(upload_form.cleaned_data["file"].read())
            checks.record_check(
                request, VerificationChannel.UPLOAD, "", verdict.document, verdict.reason
            )
    return render(
        request,
        "documents/pages/verify.html",
        {"upload_form": upload_form, "code_form": code_form, "verdict": verdict},
    )


def verify_code(request, code: str):
    """Public: what the QR code on a document leads to. A wrong code gets the same answer
    whatever it resembles."""
    if checks.over_limit(request):
        return _too_many(request)
    document = verification.find_by_code(code)
    checks.record_check(
        request,
        VerificationChannel.PAGE,
        code,
        document,
        document.status if document else "not_found",
    )
    return render(
        request,
        "documents/pages/verify_code.html",
        {"document": document, "code": code},
        status=200 if document else 404,
    )


def _too_many(request):
    return render(request, "documents/pages/too_many.html", status=429)


@login_required
def job_detail(request, pk):
    job = _job_or_404(request, pk)
    issued = job.result.get("documents") or []
    # In the order issued, as in the print file; a batch of thousands links its first ones.
    documents = visible_to(request.user, Document).filter(pk__in=issued[:JOB_DOCUMENTS_LISTED])
    return render(
        request,
        "documents/pages/job_detail.html",
        {"job": job, "documents": documents.order_by("id"), "issued": len(issued)},
    )


@login_required
def job_output(request, pk):
    job = _job_or_404(request, pk)
    if not job.output:
        raise Http404
    return FileResponse(job.output.open("rb"), as_attachment=True, filename=f"{job.title}.pdf")


def _job_or_404(request, pk):
    job = jobs_visible_to(request.user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job
