"""API for two-way agreements between an outflow and an inflow township (流动人口双向协议,
../shared/API.md): ``agreements/`` (the scoped list with ``?side=&overdue=&q=``, also
``?format=xlsx``; ``POST`` records an agreement both townships signed; the detail with its
``schedule``) and ``agreements/{id}/feedback/`` (``GET ?period=`` the women covered in a period
with their reports; ``POST`` the inflow township's report on one woman for one period)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from casework import clock
from casework.models import (
    Contraception,
    MigrantCertificate,
    MigrantFeedback,
    MigrationAgreement,
    PregnancyCheck,
)
from permissions import rules
from permissions.audit import Actor
from web.api.inputs import form_data
from web.api.scoped import ScopedViewSet
from web.forms.agreements import (
    AgreementFilter,
    AgreementForm,
    FeedbackForm,
)
from workflows import agreements


class CountedListSerializer(serializers.ListSerializer):
    """A list of agreements, each given its counts first (``agreements.with_counts``: a few statements
    for the whole page, or for each chunk of a workbook)."""

    def to_representation(self, data):
        """The agreements, counted, in the list's shape."""
        rows = data.all() if hasattr(data, "all") else data
        return super().to_representation(agreements.with_counts(rows, clock.today()))


class AgreementSerializer(serializers.ModelSerializer):
    """An agreement in a list, with the women it covers now (null when it is not in force)
    and its reports overdue."""

    outflow_region_name = serializers.CharField(source="outflow_region.name", read_only=True)
    inflow_region_name = serializers.CharField(source="inflow_region.name", read_only=True)
    feedback_months_display = serializers.CharField(
        source="get_feedback_months_display", read_only=True
    )
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    recorded_by = serializers.StringRelatedField()
    covered_now = serializers.IntegerField(
        read_only=True, allow_null=True, label=gettext_lazy("Women covered now")
    )
    overdue_count = serializers.IntegerField(read_only=True, label=gettext_lazy("Overdue reports"))

    class Meta:
        model = MigrationAgreement
        list_serializer_class = CountedListSerializer
        fields = [
            "id",
            "number",
            "outflow_region",
            "outflow_region_name",
            "inflow_region",
            "inflow_region_name",
            "signed_on",
            "valid_from",
            "valid_until",
            "feedback_months",
            "feedback_months_display",
            "feedback_days",
            "outflow_signatory",
            "inflow_signatory",
            "note",
            "status",
            "status_display",
            "recorded_by",
            "recorded_at",
            "covered_now",
            "overdue_count",
        ]
        read_only_fields = fields


class PeriodSerializer(serializers.Serializer):
    """One period of the schedule: its days, and its women covered, reported and missing;
    ``overdue`` is how many are missing past the due day."""

    start = serializers.DateField(source="period.start")
    end = serializers.DateField(source="period.end")
    due_on = serializers.DateField(source="period.due_on")
    covered = serializers.IntegerField()
    reported = serializers.IntegerField()
    missing = serializers.IntegerField()
    overdue = serializers.SerializerMethodField()

    def get_overdue(self, state) -> int:
        return state.overdue(clock.today())


class AgreementDetailSerializer(AgreementSerializer):
    """An agreement with its schedule, newest period first (the view attaches it)."""

    schedule = PeriodSerializer(source="states", many=True, read_only=True)

    class Meta(AgreementSerializer.Meta):
        fields = AgreementSerializer.Meta.fields + ["schedule"]
        read_only_fields = fields


class AgreementCreateSerializer(serializers.Serializer):
    """The body of ``POST agreements/``, for the schema (the pages' form reads it)."""

    number = serializers.CharField(max_length=40)
    outflow_region = serializers.CharField(help_text="The outflow township's 12-digit code.")
    inflow_region = serializers.CharField(help_text="The inflow township's 12-digit code.")
    signed_on = serializers.DateField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    feedback_months = serializers.ChoiceField(choices=[1, 3, 6])
    feedback_days = serializers.IntegerField(min_value=0, max_value=365, default=10)
    outflow_signatory = serializers.CharField(max_length=50)
    inflow_signatory = serializers.CharField(max_length=50)
    note = serializers.CharField(required=False, allow_blank=True)


class FeedbackSerializer(serializers.ModelSerializer):
    """One report on one woman for one period."""

    contraception_display = serializers.CharField(
        source="get_contraception_display", read_only=True
    )
    pregnancy_check_display = serializers.CharField(
        source="get_pregnancy_check_display", read_only=True
    )
    recorded_by = serializers.StringRelatedField()

    class Meta:
        model = MigrantFeedback
        fields = [
            "id",
            "agreement",
            "certificate",
            "period_start",
            "contraception",
            "contraception_display",
            "pregnancy_check",
            "pregnancy_check_display",
            "checked_on",
            "note",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields


class FeedbackCreateSerializer(serializers.Serializer):
    """The body of ``POST agreements/{id}/feedback/``, for the schema (the form reads it)."""

    certificate = serializers.IntegerField(help_text="The woman's certificate id.")
    period_start = serializers.DateField(help_text="The first day of the period.")
    contraception = serializers.ChoiceField(choices=Contraception.choices)
    pregnancy_check = serializers.ChoiceField(choices=PregnancyCheck.choices)
    checked_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


class WomanSerializer(serializers.ModelSerializer):
    """A woman covered in the period, her ID number masked, with her report (null while it
    is missing) and ``report_state``: ``reported``, ``missing`` or ``overdue``."""

    certificate = serializers.IntegerField(source="pk", read_only=True)
    holder_id_number = serializers.CharField(source="masked_holder_id_number", read_only=True)
    residence_region_name = serializers.CharField(
        source="residence_region.name", default=None, read_only=True
    )
    report_state = serializers.SerializerMethodField()
    feedback = serializers.SerializerMethodField()

    class Meta:
        model = MigrantCertificate
        fields = [
            "certificate",
            "holder_name",
            "holder_id_number",
            "residence_region",
            "residence_region_name",
            "report_state",
            "feedback",
        ]
        read_only_fields = fields

    def get_report_state(self, certificate) -> str:
        return agreements.report_state(certificate, self.context["period"], clock.today())

    @extend_schema_field(FeedbackSerializer(allow_null=True))
    def get_feedback(self, certificate) -> dict | None:
        report = certificate.reports[0] if certificate.reports else None
        return FeedbackSerializer(report).data if report else None


class PeriodReportsSerializer(serializers.Serializer):
    """The answer of ``GET agreements/{id}/feedback/``, for the schema."""

    period = PeriodSerializer(allow_null=True)
    may_report = serializers.BooleanField()
    women = WomanSerializer(many=True)


_PERIOD = OpenApiParameter(
    "period",
    OpenApiTypes.DATE,
    OpenApiParameter.QUERY,
    description="The first day of a period begun; the latest begun when left out.",
)


class AgreementViewSet(ScopedViewSet):
    """The agreements of the caller's township on either side (and of the townships below
    the caller's county); ``POST`` records one the caller's township signed."""

    xlsx_title = "双向协议"
    model = MigrationAgreement
    related = ("outflow_region", "inflow_region", "recorded_by")
    serializer_class = AgreementSerializer
    detail_serializer_class = AgreementDetailSerializer
    filterset_class = AgreementFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def retrieve(self, request, *args, **kwargs):
        """The agreement with its schedule: each period begun, newest first."""
        agreement = self.get_object()
        agreements.with_schedule(agreement, clock.today())
        return Response(self.get_serializer(agreement).data)

    @extend_schema(request=AgreementCreateSerializer, responses={201: AgreementDetailSerializer})
    def create(self, request):
        """Record an agreement both townships signed: the caller's township is one of them,
        the two are different townships, it ends after it begins, and the pair has no other
        agreement in force over its dates."""
        if not rules.may_record_agreement(request.user):
            # The service's own words: the body names the two townships.
            raise PermissionDenied(_("Your role may not record agreements for these townships."))
        form = AgreementForm(form_data(request))
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        signed = agreements.sign_agreement(Actor.from_request(request), **form.cleaned_data)
        agreement = agreements.agreement_rows().get(pk=signed.pk)
        agreements.with_schedule(agreement, clock.today())
        detail = AgreementDetailSerializer(agreement, context=self.get_serializer_context())
        return Response(detail.data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"], parameters=[_PERIOD], responses=PeriodReportsSerializer, request=None
    )
    @extend_schema(
        methods=["POST"],
        request=FeedbackCreateSerializer,
        responses={201: FeedbackSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def feedback(self, request, pk=None):
        """``GET``: the women covered in the period (``?period=``, its first day; the latest
        begun by default) with their reports. ``POST``: the inflow township's report on one
        woman (``certificate``) for one period (``period_start``): ``contraception``,
        ``pregnancy_check``, ``checked_on`` (unless not checked), ``note``; one per woman and
        period."""
        agreement = self.get_object()
        if request.method == "POST":
            return self._record(request, agreement)
        today = clock.today()
        agreements.with_schedule(agreement, today)
        try:
            state = agreements.chosen_state(agreement, request.query_params.get("period"))
        except ValueError:
            raise ValidationError(
                {
                    "period": _(
                        "Name a period of the agreement that has begun by its first day (YYYY-MM-DD)."
                    )
                }
            ) from None
        women = list(agreements.women_of(agreement, state.period)) if state else []
        context = {**self.get_serializer_context(), "period": state.period if state else None}
        return Response(
            {
                "period": PeriodSerializer(state).data if state else None,
                "may_report": rules.may_keep_agreement(request.user, agreement.inflow_region_id),
                "women": WomanSerializer(women, many=True, context=context).data,
            }
        )

    def _record(self, request, agreement: MigrationAgreement) -> Response:
        if not rules.may_keep_agreement(request.user, agreement.inflow_region_id):
            raise PermissionDenied(_("The inflow township's migrant-service officers report."))
        form = FeedbackForm(form_data(request))
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        data = form.cleaned_data
        feedback = agreements.record_feedback(
            Actor.from_request(request),
            agreement,
            data["certificate"],
            data["period_start"],
            contraception=data["contraception"],
            pregnancy_check=data["pregnancy_check"],
            checked_on=data["checked_on"],
            note=data["note"],
        )
        return Response(FeedbackSerializer(feedback).data, status=status.HTTP_201_CREATED)
