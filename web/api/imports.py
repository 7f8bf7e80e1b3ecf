"""``imports/``: upload a file for a preview, commit it, download the template
(../shared/API.md). The same actions as the pages (``workflows/imports.py``)."""

from urllib.parse import quote

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.translation import gettext as _
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from casework.filters import DataImportFilter
from casework.models import DataImport, ImportKind, ImportMode, ImportStatus
from casework.workbooks import XLSX
from permissions import rules
from permissions.audit import Actor
from web.api.errors import Conflict
from web.api.scoped import ScopedViewSet
from workflows import imports


class ImportSerializer(serializers.ModelSerializer):
    job = serializers.UUIDField(source="job_id", read_only=True)

    class Meta:
        model = DataImport
        fields = [
            "id",
            "kind",
            "file_name",
            "sha256",
            "status",
            "mode",
            "rows",
            "valid_rows",
            "imported_rows",
            "errors",
            "job",
            "created_at",
            "imported_at",
        ]
        read_only_fields = fields


class UploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ImportKind.choices)
    file = serializers.FileField()


class CommitSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=ImportMode.choices)


class ImportViewSet(ScopedViewSet):
    """Imports of the caller's office: ``POST`` a file for its preview (nothing saved yet), then
    ``commit``; a long file answers with the ``job`` that checks or imports it."""

    xlsx_title = "数据导入"
    model = DataImport
    ordering = ("-created_at", "-id")
    serializer_class = ImportSerializer
    filterset_class = DataImportFilter
    parser_classes = [MultiPartParser, FormParser]

    def create(self, request):
        upload = UploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data_import = imports.upload(
            Actor.from_request(request),
            upload.validated_data["kind"],
            upload.validated_data["file"],
        )
        busy = data_import.job_id and data_import.busy
        return Response(
            ImportSerializer(data_import).data,
            status=status.HTTP_202_ACCEPTED if busy else status.HTTP_201_CREATED,
        )

    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def commit(self, request, pk=None):
        data_import = self.get_object()
        choice = CommitSerializer(data=request.data)
        choice.is_valid(raise_exception=True)
        if choice.validated_data["mode"] == ImportMode.ALL_OR_NOTHING and data_import.errors:
            raise Conflict(_("Rows have errors; nothing was imported."))
        data_import = imports.commit(
            Actor.from_request(request), data_import, choice.validated_data["mode"]
        )
        busy = data_import.status == ImportStatus.IMPORTING
        return Response(
            ImportSerializer(data_import).data,
            status=status.HTTP_202_ACCEPTED if busy else status.HTTP_200_OK,
        )

    @action(detail=False, methods=["get"])
    def template(self, request):
        kind = request.query_params.get("kind", "")
        if kind not in ImportKind.values or not rules.may_import(request.user, kind):
            raise PermissionDenied(_("Your role may not import this kind of record."))
        name, data = imports.template_file(kind)
        response = HttpResponse(data, content_type=XLSX)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        return response
