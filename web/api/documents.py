"""API for the document registry, PDF downloads, and verification (../shared/API.md)."""

from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from documents import checks, verification
from documents.filters import DocumentFilter
from documents.models import Document, VerificationChannel
from documents.numbering import display_code
from web.api.errors import error_response
from web.api.inputs import CheckedInputMixin
from web.api.scoped import ScopedViewSet


class DocumentSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    office = serializers.CharField(source="office.name", read_only=True)
    office_code = serializers.CharField(source="office_id", read_only=True)
    region = serializers.CharField(source="region_id", read_only=True)
    code = serializers.SerializerMethodField()
    previous = serializers.CharField(source="previous.number", default=None, read_only=True)
    issued_by = serializers.CharField(source="issued_by.__str__", default=None, read_only=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "kind",
            "kind_display",
            "title",
            "number",
            "office",
            "office_code",
            "region",
            "version",
            "previous",
            "code",
            "status",
            "status_display",
            "status_reason",
            "issued_at",
            "issued_by",
            "pages",
            "size",
            "sha256",
            "signer_fingerprint",
            "public_summary",
        ]

    def get_code(self, document: Document) -> str:
        return display_code(document.code)


class PublicDocumentSerializer(serializers.ModelSerializer):
    """What anyone holding the paper may learn: no unmasked personal data, and not the free
    text an officer typed when revoking or re-issuing it (it may name people)."""

    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    office = serializers.CharField(source="office.name", read_only=True)
    issued_on = serializers.DateTimeField(source="issued_at", format="%Y-%m-%d", read_only=True)
    replaced_by = serializers.CharField(source="next_version.number", default=None)

    class Meta:
        model = Document
        fields = [
            "kind",
            "kind_display",
            "title",
            "number",
            "office",
            "issued_on",
            "version",
            "status",
            "status_display",
            "replaced_by",
            "public_summary",
        ]


class DocumentViewSet(ScopedViewSet):
    """Documents issued in the caller's jurisdiction; ``{id}/pdf/`` downloads the signed file."""

    xlsx_title = "文书"

    model = Document
    related = ("office", "previous", "issued_by")
    serializer_class = DocumentSerializer
    filterset_class = DocumentFilter

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        document = self.get_object()
        return FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=f"{document.number}.pdf",
            content_type="application/pdf",
        )


class VerifyUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        error_messages={"required": _("Choose the PDF file to verify.")},
    )

    def validate_file(self, upload):
        if upload.size > verification.MAX_UPLOAD_BYTES:
            raise serializers.ValidationError(_("The file is larger than 30 MB."))
        return upload


class VerifyUploadView(CheckedInputMixin, APIView):
    """Anyone may check a PDF: is it intact, signed by our office, registered and valid?"""

    permission_classes = [AllowAny]
    parser_classes = [MultiPartParser, FormParser]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "verify"

    @extend_schema(request={"multipart/form-data": VerifyUploadSerializer})
    def post(self, request):
        incoming = VerifyUploadSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        verdict = verification.verify_pdf(incoming.validated_data["file"].read())
        document = verdict.document
        checks.record_check(request, VerificationChannel.UPLOAD, "", document, verdict.reason)
        return Response(
            {
                "valid": verdict.valid,
                "reason": verdict.reason,
                "message": verdict.message,
                "document_number": document.number if document else None,
                "kind": document.kind if document else None,
                "issuer": document.office.name if document else verdict.signer or None,
                "signed_at": verdict.signed_at,
                "revoked": verdict.reason in (verification.REVOKED, verification.SUPERSEDED),
            }
        )


class VerifyCodeView(CheckedInputMixin, APIView):
    """The status of a printed document by its verification code; no login needed."""

    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "verify"

    @extend_schema(responses=PublicDocumentSerializer)
    def get(self, request, code: str):
        document = verification.find_by_code(code)
        checks.record_check(
            request,
            VerificationChannel.API,
            code,
            document,
            document.status if document else "not_found",
        )
        if document is None:
            return error_response(
                "not_found", str(_("No document carries this verification code.")), 404
            )
        return Response(PublicDocumentSerializer(document).data)
