"""API for the half-yearly data comparison with other departments (半年数据比对,
../shared/API.md): ``comparisons/`` (the scoped list with ``?source=&half_year=``, ``POST``
multipart ``file`` and ``source`` to compare an extract, the detail with its row errors and
findings, ``template/``) and ``comparisons/{id}/findings/`` (``?status=&kind=``, also
``?format=xlsx``; a finding by its row number, with transitions ``confirm`` and ``dismiss``)."""

from urllib.parse import quote

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from casework.imports.columns import COMPARISON, TEMPLATE_TITLES
from casework.imports.files import MAX_BYTES, template_bytes
from casework.models import Comparison, ComparisonFinding, ComparisonSource
from casework.workbooks import XLSX
from permissions import rules
from permissions.audit import Actor
from permissions.scoping import get_visible_or_404, visible_to
from web.api.inputs import form_data
from web.api.scoped import ScopedViewSet
from web.api.transitions import CaseFieldsMixin, TransitionFieldsMixin, TransitionsMixin
from web.forms.comparisons import ComparisonFilter, ComparisonUploadForm, FindingFilter
from workflows import comparisons


class ComparisonFindingSerializer(TransitionFieldsMixin, serializers.ModelSerializer):
    """One finding; the ID number whole only where the caller's role sees it whole."""

    name = serializers.CharField(source="person.name", read_only=True)
    id_number = serializers.SerializerMethodField(label=gettext_lazy("ID number"))
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    decided_by = serializers.StringRelatedField()

    class Meta:
        model = ComparisonFinding
        fields = [
            "id",
            "row",
            "person",
            "name",
            "id_number",
            "region",
            "application",
            "certificate",
            "kind",
            "kind_display",
            "happened_on",
            "message",
            "status",
            "status_display",
            "outcome",
            "opinion",
            "decided_by",
            "decided_at",
            "available_transitions",
        ]
        read_only_fields = fields

    def get_id_number(self, finding) -> str:
        return rules.id_number_for(self.context["request"].user, finding.person)


class ComparisonFindingDetailSerializer(CaseFieldsMixin, ComparisonFindingSerializer):
    class Meta(ComparisonFindingSerializer.Meta):
        fields = ComparisonFindingSerializer.Meta.fields + ["history"]
        read_only_fields = fields


class ComparisonSerializer(serializers.ModelSerializer):
    source_display = serializers.CharField(source="get_source_display", read_only=True)
    half_year_label = serializers.SerializerMethodField(label=gettext_lazy("Half-year"))
    uploaded_by = serializers.StringRelatedField()
    findings_count = serializers.IntegerField(read_only=True, label=gettext_lazy("Findings"))
    open_count = serializers.IntegerField(read_only=True, label=gettext_lazy("Open findings"))
    error_count = serializers.SerializerMethodField(label=gettext_lazy("Row errors"))

    class Meta:
        model = Comparison
        fields = [
            "id",
            "source",
            "source_display",
            "region",
            "half_year",
            "half_year_label",
            "file_name",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "rows",
            "outside",
            "error_count",
            "findings_count",
            "open_count",
        ]
        read_only_fields = fields

    def get_half_year_label(self, comparison) -> str:
        return comparisons.half_year_label(comparison.half_year)

    def get_error_count(self, comparison) -> int:
        return len(comparison.errors)


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    message = serializers.CharField()


class ComparisonDetailSerializer(ComparisonSerializer):
    """A comparison with its row errors and the findings the caller may see, by row."""

    errors = serializers.SerializerMethodField()
    findings = serializers.SerializerMethodField()

    class Meta(ComparisonSerializer.Meta):
        fields = ComparisonSerializer.Meta.fields + ["errors", "findings"]
        read_only_fields = fields

    @extend_schema_field(RowErrorSerializer(many=True))
    def get_errors(self, comparison) -> list[dict]:
        return sorted(comparison.errors, key=lambda error: error["row"])

    @extend_schema_field(ComparisonFindingSerializer(many=True))
    def get_findings(self, comparison) -> list[dict]:
        request = self.context["request"]
        findings = visible_to(request.user, comparison.findings.all()).select_related(
            "person", "decided_by"
        )
        return ComparisonFindingSerializer(findings, many=True, context=self.context).data


class ComparisonUploadSerializer(serializers.Serializer):
    """The upload's fields, for the schema (the form of the pages reads them)."""

    source = serializers.ChoiceField(choices=ComparisonSource.choices)
    file = serializers.FileField()


class ComparisonViewSet(ScopedViewSet):
    """The comparisons of the caller's office (and of the offices below it); ``POST`` compares
    another department's extract (multipart ``file`` and ``source``) and answers with its
    row errors and findings."""

    xlsx_title = "数据比对"
    model = Comparison
    related = ("uploaded_by",)
    serializer_class = ComparisonSerializer
    detail_serializer_class = ComparisonDetailSerializer
    filterset_class = ComparisonFilter
    parser_classes = [MultiPartParser, FormParser]

    def filter_queryset(self, queryset):
        # Counted after filtering: the half-year choices read the plain rows.
        return comparisons.with_counts(super().filter_queryset(queryset))

    @extend_schema(
        request={"multipart/form-data": ComparisonUploadSerializer},
        responses={201: ComparisonDetailSerializer},
    )
    def create(self, request):
        """Compare an extract: ``source`` (the department) and ``file`` (XLSX or CSV in the
        template's columns). The same file twice is refused."""
        if not rules.may_compare(request.user):
            raise PermissionDenied(_("Your role may not compare other departments' data."))
        form = ComparisonUploadForm(form_data(request), request.FILES)
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        upload = form.cleaned_data["file"]
        comparison = comparisons.compare(
            Actor.from_request(request),
            form.cleaned_data["source"],
            # One byte more than allowed is enough to refuse a file that is too large.
            upload.read(MAX_BYTES + 1),
            upload.name or "",
        )
        compared = comparisons.with_counts(Comparison.objects.select_related("uploaded_by")).get(
            pk=comparison.pk
        )
        detail = ComparisonDetailSerializer(compared, context=self.get_serializer_context())
        return Response(detail.data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"])
    def template(self, request):
        """The template workbook of an extract (its Chinese headers, an example row and what
        each column holds)."""
        if not rules.may_compare(request.user):
            raise PermissionDenied(_("Your role may not compare other departments' data."))
        response = HttpResponse(template_bytes(COMPARISON), content_type=XLSX)
        name = quote(f"{TEMPLATE_TITLES[COMPARISON]}.xlsx")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
        return response


_COMPARISON_ID = OpenApiParameter("comparison_id", int, OpenApiParameter.PATH)
_ROW = OpenApiParameter("row", int, OpenApiParameter.PATH, description="the row of the file")


@extend_schema_view(
    list=extend_schema(parameters=[_COMPARISON_ID]),
    retrieve=extend_schema(parameters=[_COMPARISON_ID, _ROW]),
)
class ComparisonFindingViewSet(ScopedViewSet):
    """The findings of one comparison the caller may see, each named by its row in the file;
    ``confirm`` makes the change a finding calls for, ``dismiss`` needs an opinion."""

    xlsx_title = "比对发现"
    model = ComparisonFinding
    related = ("person", "decided_by")
    ordering = ("row",)
    serializer_class = ComparisonFindingSerializer
    detail_serializer_class = ComparisonFindingDetailSerializer
    filterset_class = FindingFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    lookup_field = "row"
    # Rows of one file: nine digits always fit the column (a longer one names nothing).
    lookup_value_regex = "[0-9]{1,9}"

    def get_queryset(self):
        """The findings of the path's comparison (404 when the caller may not see it)."""
        if getattr(self, "swagger_fake_view", False):  # the schema has no path to read
            return ComparisonFinding.objects.none()
        return super().get_queryset().filter(comparison=self.comparison)

    @property
    def comparison(self) -> Comparison:
        """The comparison of the path, if the caller may see it (else 404)."""
        if not hasattr(self, "_comparison"):
            self._comparison = get_visible_or_404(
                self.request.user, Comparison, pk=self.kwargs["comparison_id"]
            )
        return self._comparison

    @extend_schema(
        parameters=[_COMPARISON_ID, _ROW],
        request=OpenApiTypes.OBJECT,
        responses=ComparisonFindingDetailSerializer,
    )
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<name>[a-z_]+)")
    def transitions(self, request, comparison_id=None, row=None, name=None):
        """Run step ``confirm`` (``opinion`` optional) or ``dismiss`` (``opinion`` required)
        of the finding, as every resource's transitions run (findings issue no documents)."""
        return TransitionsMixin.transitions(self, request, name=name)
