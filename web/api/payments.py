"""API for payment batches (../shared/API.md ``payment-batches/``): build by POST, the steps
as transitions (``approve``, ``return``, ``export``, ``mark_sent``, ``import_return`` with a
multipart ``file``, ``close``), the bank file and the bank's return as file endpoints, the
payments of a batch, and follow-up batches for failed payments."""

from urllib.parse import quote

from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from casework import reports
from casework.filters import PaymentBatchFilter
from casework.models import (
    Finding,
    Payment,
    PaymentBatch,
    Program,
    Recovery,
    Region,
    Repayment,
)
from casework.money import yuan
from casework.workbooks import XLSX
from permissions import rules
from permissions.audit import Actor
from permissions.scoping import visible_to
from web.api.errors import error_response
from web.api.inputs import CheckedInputMixin, form_data
from web.api.transitions import CaseFieldsMixin, ProcessViewSet, TransitionFieldsMixin
from workflows import bank_files, payments, recoveries
from workflows.enforcement_reports import parse_year


class PaymentBatchSerializer(TransitionFieldsMixin, serializers.ModelSerializer):
    program_name = serializers.CharField(source="program.name", read_only=True)
    total = serializers.SerializerMethodField()

    class Meta:
        model = PaymentBatch
        fields = [
            "id",
            "program",
            "program_name",
            "region",
            "period_start",
            "period_end",
            "follows",
            "status",
            "status_display",
            "status_reason",
            "payment_count",
            "total",
            "built_at",
            "available_transitions",
        ]

    def get_total(self, batch) -> str:
        return f"{batch.total:.2f}"


class PaymentBatchDetailSerializer(CaseFieldsMixin, PaymentBatchSerializer):
    by_village = serializers.SerializerMethodField()
    changes = serializers.SerializerMethodField()

    class Meta(PaymentBatchSerializer.Meta):
        fields = PaymentBatchSerializer.Meta.fields + ["by_village", "changes", "history"]

    def get_by_village(self, batch) -> list[dict]:
        return [
            {
                "village": row.code,
                "village_name": row.name,
                "township_name": row.township,
                "payments": row.payments,
                "total": f"{row.total:.2f}",
            }
            for row in payments.breakdown(batch)
        ]

    def get_changes(self, batch) -> dict:
        return payments.changes_since_last(batch)


class PaymentSerializer(serializers.ModelSerializer):
    applicant_name = serializers.CharField(source="application.applicant.name")
    applicant_id_number = serializers.CharField(source="application.applicant.masked_id_number")
    account_number = serializers.SerializerMethodField()
    amount = serializers.SerializerMethodField()
    status_display = serializers.CharField(source="get_status_display")

    class Meta:
        model = Payment
        fields = [
            "id",
            "application",
            "applicant_name",
            "applicant_id_number",
            "bank",
            "account_number",
            "amount",
            "reference",
            "status",
            "status_display",
            "bank_reason",
        ]

    def get_account_number(self, payment) -> str:
        if rules.may_see_account_numbers(self.context["request"].user):
            return payment.account_number
        return payment.masked_account_number

    def get_amount(self, payment) -> str:
        return f"{payment.amount:.2f}"


class FindingSerializer(serializers.ModelSerializer):
    officer = serializers.CharField(source="officer.__str__", read_only=True)

    class Meta:
        model = Finding
        fields = ["id", "officer", "text", "recorded_at"]
        read_only_fields = ["recorded_at"]


class RepaymentSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)

    class Meta:
        model = Repayment
        fields = ["id", "amount", "paid_on", "receipt", "recorded_at"]
        read_only_fields = ["recorded_at"]


class RecoverySerializer(TransitionFieldsMixin, serializers.ModelSerializer):
    applicant_name = serializers.CharField(source="application.applicant.name", read_only=True)
    amount_due = serializers.SerializerMethodField()
    outstanding = serializers.SerializerMethodField()

    class Meta:
        model = Recovery
        fields = [
            "id",
            "application",
            "applicant_name",
            "false_since",
            "amount_due",
            "outstanding",
            "status",
            "status_display",
            "status_reason",
            "available_transitions",
        ]

    def get_amount_due(self, recovery) -> str:
        return f"{recovery.amount_due:.2f}"

    def get_outstanding(self, recovery) -> str:
        return f"{recovery.outstanding:.2f}"


class RecoveryDetailSerializer(CaseFieldsMixin, RecoverySerializer):
    repayments = RepaymentSerializer(many=True, read_only=True)

    class Meta(RecoverySerializer.Meta):
        fields = RecoverySerializer.Meta.fields + ["repayments", "history"]


class RecoveryViewSet(ProcessViewSet):
    """What revoked recipients must pay back; ``POST {id}/repayments/`` records a repayment,
    transition ``write_off`` gives up the rest."""

    xlsx_title = "追回"

    model = Recovery
    related = ("application__applicant",)
    serializer_class = RecoverySerializer
    detail_serializer_class = RecoveryDetailSerializer

    @extend_schema(request=RepaymentSerializer, responses=RecoveryDetailSerializer)
    @action(detail=True, methods=["post"])
    def repayments(self, request, pk=None):
        recovery = self.get_object()
        data = form_data(request)
        recoveries.record_repayment(
            Actor.from_request(request),
            recovery,
            data.get("amount"),
            data.get("paid_on"),
            data.get("receipt", ""),
        )
        recovery = self.get_queryset().get(pk=recovery.pk)
        return Response(
            RecoveryDetailSerializer(recovery, context=self.get_serializer_context()).data
        )


class PaidTotalsXLSXRenderer(BaseRenderer):
    """The paid totals report as a workbook (``?format=xlsx``)."""

    media_type = XLSX
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return reports.paid_totals_xlsx(data["rows"] if isinstance(data, dict) else [])


class PaidTotalsView(CheckedInputMixin, APIView):
    """``reports/payments/?year=&program=``: paid totals by program, period, township and
    village in the caller's jurisdiction, with the grand total; ``?format=xlsx`` as a
    workbook."""

    renderer_classes = [JSONRenderer, PaidTotalsXLSXRenderer]

    def get(self, request, format=None):
        rows = reports.paid_totals(
            visible_to(request.user, Payment),
            year=parse_year(request.query_params.get("year"), all_years=True),
            program=request.query_params.get("program", ""),
        )
        if getattr(request.accepted_renderer, "format", "") == "xlsx":
            response = Response({"rows": rows})
            response["Content-Disposition"] = "attachment; filename=paid-totals.xlsx"
            return response
        total = sum(row.total_fen for row in rows)
        return Response(
            {
                "rows": [
                    {
                        "program": row.program,
                        "period_start": row.period_start,
                        "township": row.township,
                        "village": row.village,
                        "payments": row.payments,
                        "total": f"{row.total:.2f}",
                    }
                    for row in rows
                ],
                "payments": sum(row.payments for row in rows),
                "total": f"{yuan(total):.2f}",
            }
        )


class BuildSerializer(serializers.Serializer):
    program = serializers.SlugRelatedField(slug_field="code", queryset=Program.objects.all())
    county = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all())
    day = serializers.DateField(help_text="any day of the period to pay")


class PaymentBatchViewSet(ProcessViewSet):
    """Payment batches of the caller's jurisdiction (supervisors read every one of it)."""

    xlsx_title = "资金发放批次"

    model = PaymentBatch
    related = ("program",)
    serializer_class = PaymentBatchSerializer
    detail_serializer_class = PaymentBatchDetailSerializer
    create_serializer_class = BuildSerializer
    filterset_class = PaymentBatchFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(request=BuildSerializer, responses=PaymentBatchDetailSerializer)
    def create(self, request, *args, **kwargs):
        """``build``: the batch of a program, county and period from the recipients due."""
        incoming = BuildSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        built = payments.build(
            Actor.from_request(request),
            program=data["program"],
            county=data["county"],
            day=data["day"],
        )
        return self._built(built)

    def _built(self, built):
        skipped = [{"application": pk, "message": message} for pk, message in built.skipped]
        if built.batch is None:
            return error_response(
                "invalid",
                _("Nobody is due for payment in that period."),
                status.HTTP_400_BAD_REQUEST,
                {"skipped": [row["message"] for row in skipped]},
            )
        body = PaymentBatchDetailSerializer(built.batch, context=self.get_serializer_context())
        return Response({**body.data, "skipped": skipped}, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=PaymentBatchDetailSerializer)
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request, pk=None):
        """A new batch re-issuing this batch's failed payments to the accounts now on record."""
        return self._built(payments.follow_up(Actor.from_request(request), self.get_object()))

    @extend_schema(
        parameters=[OpenApiParameter("kind", enum=["csv", "xlsx"], default="csv")],
        request=None,
        responses={(200, "text/csv"): bytes},
    )
    @action(detail=True, methods=["get", "post"], url_path="bank-file")
    def bank_file(self, request, pk=None):
        """The bank file: POST records the ``export`` transition and answers with the file;
        GET downloads the file of a batch already exported again and changes nothing."""
        kind = request.data.get("kind") or request.query_params.get("kind")
        kind = "xlsx" if kind == "xlsx" else "csv"
        make = bank_files.export if request.method == "POST" else bank_files.download
        content_type, name, chunks = make(Actor.from_request(request), self.get_object(), kind)
        response = StreamingHttpResponse(chunks, content_type=content_type)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        return response

    @extend_schema(request={"multipart/form-data": {"type": "object"}}, responses=None)
    @action(detail=True, methods=["post"], url_path="bank-return")
    def bank_return(self, request, pk=None):
        """The bank's return file (multipart ``file``), imported whole or refused whole."""
        upload = request.FILES.get("file")
        if upload is None:
            return error_response(
                "invalid",
                _("Attach the bank's return file."),
                status.HTTP_400_BAD_REQUEST,
                {"file": [_("This field is required.")]},
            )
        summary = bank_files.import_return(
            Actor.from_request(request), self.get_object(), upload.read()
        )
        return Response(summary)

    @extend_schema(request=FindingSerializer, responses=FindingSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def findings(self, request, pk=None):
        """Supervisors' findings on the batch; supervisors POST ``{"text"}`` to add one."""
        batch = self.get_object()
        if request.method == "POST":
            text = FindingSerializer(data=request.data)
            text.is_valid(raise_exception=True)
            recoveries.record_finding(
                Actor.from_request(request), batch, text.validated_data["text"]
            )
        rows = batch.findings.select_related("officer").order_by("recorded_at", "id")
        return Response(FindingSerializer(rows, many=True).data)

    @extend_schema(responses=PaymentSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="payments")
    def payment_list(self, request, pk=None):
        batch = self.get_object()
        rows = batch.payments.select_related("application__applicant").order_by("id")
        page = self.paginate_queryset(rows)
        serializer = PaymentSerializer(page, many=True, context=self.get_serializer_context())
        return self.get_paginated_response(serializer.data)
