"""Pages: migrant certificates (list, apply, detail with its steps) and the notices inbox."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework import ratelimit
from casework.filters import CertificateFilter, NoticeFilter
from casework.models import (
    CertificateAttachment,
    CertificateNotice,
    CertificateStatus,
    MigrantCertificate,
)
from documents.models import Document
from permissions import rules
from permissions.audit import Actor
from permissions.scoping import get_visible_or_404, visible_to
from web import list_columns
from web.forms.certificates import CertificateForm, OnlineApplicationForm
from web.pages import (
    describe,
    export_list,
    page_export_url,
    paginate,
    querystring_without_page,
    run_form_action,
    wants_workbook,
)
from workflows import certificates
from workflows.transitions import available_steps, history


@login_required
def certificate_list(request):
    found = CertificateFilter(
        request.GET,
        queryset=visible_to(request.user, MigrantCertificate).select_related("region", "document"),
    )
    if wants_workbook(request):
        return export_list(_("Migrant certificates"), list_columns.CERTIFICATES, found.qs)
    return render(
        request,
        "casework/certificate_list.html",
        {
            "export_url": page_export_url(request),
            "columns": list_columns.CERTIFICATES,
            "filter": found,
            "page": paginate(request, found.qs),
            "querystring": querystring_without_page(request),
            "may_apply": rules.may_apply_for_certificate(request.user),
        },
    )


@login_required
def certificate_create(request):
    if not rules.may_apply_for_certificate(request.user):
        raise PermissionDenied(_("Your role may not apply for migrant certificates."))
    form = CertificateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if run_form_action(
            form, lambda: certificates.apply(Actor.from_request(request), form.instance)
        ):
            messages.success(request, _("Application recorded and submitted."))
            return redirect("certificate-detail", pk=form.instance.pk)
    return render(request, "casework/certificate_form.html", {"form": form, "creating": True})


def certificate_rows() -> QuerySet:
    """Certificates with the regions and the document their pages show, read in one query."""
    return MigrantCertificate.objects.select_related(
        "region", "registration_region", "residence_region", "document"
    )


def _certificate_or_404(request, pk):
    return get_visible_or_404(request.user, certificate_rows(), pk=pk)


@login_required
def certificate_edit(request, pk: int):
    certificate = _certificate_or_404(request, pk)
    if not rules.may_handle_certificate(request.user, certificate):
        raise PermissionDenied(_("Your role may not do this here."))
    form = CertificateForm(request.POST or None, instance=certificate)
    if request.method == "POST" and form.is_valid():
        if run_form_action(
            form, lambda: certificates.update_facts(Actor.from_request(request), form.instance)
        ):
            messages.success(request, _("The facts were corrected."))
            return redirect("certificate-detail", pk=pk)
    return render(
        request, "casework/certificate_form.html", {"form": form, "certificate": certificate}
    )


@login_required
def certificate_detail(request, pk: int):
    certificate = _certificate_or_404(request, pk)
    steps = [(step, step.form()) for step in available_steps(request.user, certificate)]
    notices = visible_to(request.user, certificate.notices.all()).select_related(
        "from_region", "to_region"
    )
    return render(
        request,
        "casework/certificate_detail.html",
        {
            "certificate": certificate,
            "steps": steps,
            "history": history(certificate),
            "notices": notices,
            "documents": visible_to(request.user, Document.objects.for_subject(certificate)),
            "full_id_number": rules.may_handle_certificate(request.user, certificate),
            "may_edit": rules.may_handle_certificate(request.user, certificate)
            and certificate.status in (CertificateStatus.DRAFT, CertificateStatus.SUBMITTED),
            "may_feedback": rules.may_send_feedback(request.user, certificate),
            "feedback_form": certificates.FeedbackForm(),
            "attachments": certificate.attachments.all(),
        },
    )


@login_required
@require_POST
def certificate_feedback(request, pk: int):
    certificate = _certificate_or_404(request, pk)
    try:
        certificates.send_feedback(certificate, Actor.from_request(request), request.POST)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, describe(error))
    else:
        messages.success(request, _("The message was sent to the other area."))
    return redirect("certificate-detail", pk=pk)


@login_required
def notice_list(request):
    notices = visible_to(request.user, CertificateNotice).select_related(
        "certificate", "from_region", "to_region"
    )
    found = NoticeFilter(request.GET, queryset=notices, request=request)
    if wants_workbook(request):
        return export_list(_("Notices between areas"), list_columns.NOTICES, found.qs)
    page = paginate(request, found.qs)
    rows = [(notice, available_steps(request.user, notice)) for notice in page.object_list]
    return render(
        request,
        "casework/notice_list.html",
        {
            "export_url": page_export_url(request),
            "columns": list_columns.NOTICES,
            "filter": found,
            "page": page,
            "rows": rows,
            "querystring": querystring_without_page(request),
        },
    )


@login_required
@require_POST
def certificate_attach(request, pk: int):
    certificate = _certificate_or_404(request, pk)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ValidationError({"file": _("Choose the file to upload.")})
        certificates.attach(
            certificate, Actor.from_request(request), upload, request.POST.get("description", "")
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, describe(error))
    else:
        messages.success(request, _("The file was attached."))
    return redirect("certificate-detail", pk=pk)


@login_required
def attachment_download(request, pk: int):
    attachment = get_object_or_404(
        CertificateAttachment.objects.filter(
            certificate__in=visible_to(request.user, MigrantCertificate)
        ),
        pk=pk,
    )
    return FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        filename=f"{attachment.description}{attachment.extension}",
    )


def certificate_apply_online(request):
    """Public: a holder applies for a certificate; the issuing township reviews the draft."""
    form = OnlineApplicationForm(request.POST or None)
    if request.method == "POST":
        if ratelimit.over_limit(request, "apply-online", settings.CASEWORK_ONLINE_APPLICATION_RATE):
            return render(request, "documents/pages/too_many.html", status=429)
        if form.is_valid() and run_form_action(
            form,
            lambda: certificates.apply_online(form.instance, request.META.get("REMOTE_ADDR")),
        ):
            return render(
                request, "casework/certificate_applied.html", {"certificate": form.instance}
            )
    return render(request, "casework/certificate_apply_online.html", {"form": form})
