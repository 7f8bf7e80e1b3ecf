"""API for migrant certificates and the notices between areas (../shared/API.md)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from casework.filters import CertificateFilter, NoticeFilter
from casework.models import CertificateAttachment, CertificateNotice, MigrantCertificate, Region
from permissions import rules
from permissions.audit import Actor
from permissions.scoping import get_visible_or_404, visible_to
from web.api.inputs import form_data
from web.api.transitions import CaseFieldsMixin, ProcessViewSet, TransitionFieldsMixin
from workflows import certificates
from workflows.transitions import UnknownStep, perform


class CertificateSerializer(serializers.ModelSerializer):
    """A certificate in a list: the holder's ID number masked."""

    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    holder_id_number = serializers.CharField(source="masked_holder_id_number", read_only=True)
    document_number = serializers.CharField(source="document.number", default=None, read_only=True)

    class Meta:
        model = MigrantCertificate
        fields = [
            "id",
            "kind",
            "kind_display",
            "status",
            "status_display",
            "holder_name",
            "holder_id_number",
            "region",
            "registration_region",
            "residence_region",
            "valid_from",
            "valid_until",
            "document_number",
        ]


class CertificateDetailSerializer(CaseFieldsMixin, CertificateSerializer):
    """One certificate: the whole ID number only for officers who work it."""

    holder_id_number = serializers.SerializerMethodField()

    class Meta(CertificateSerializer.Meta):
        fields = CertificateSerializer.Meta.fields + [
            "holder_sex",
            "holder_birth_date",
            "registration_address",
            "residence_address",
            "residence_since",
            "marital_status",
            "married_on",
            "spouse_name",
            "children",
            "contraception",
            "verification_note",
            "status_reason",
            "available_transitions",
            "history",
        ]

    def get_holder_id_number(self, certificate) -> str:
        if rules.may_handle_certificate(self.context["request"].user, certificate):
            return certificate.holder_id_number
        return certificate.masked_holder_id_number


class ChildSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    sex = serializers.ChoiceField(choices=["男", "女"])
    birth_date = serializers.DateField()

    def to_internal_value(self, data):
        child = super().to_internal_value(data)
        return {**child, "birth_date": child["birth_date"].isoformat()}


class CertificateCreateSerializer(serializers.ModelSerializer):
    registration_region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all())
    residence_region = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.all(), required=False, allow_null=True
    )
    children = ChildSerializer(many=True, required=False)
    submit = serializers.BooleanField(default=False, write_only=True)

    class Meta:
        model = MigrantCertificate
        fields = MigrantCertificate.APPLICATION_FIELDS + ["submit"]


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = CertificateAttachment
        fields = ["id", "description", "content_type", "size", "sha256", "uploaded_at"]


class CertificateViewSet(ProcessViewSet):
    """Certificates issued by the caller's townships (and those awaiting their verification)."""

    xlsx_title = "流动人口证明"

    model = MigrantCertificate
    related = ("document",)
    serializer_class = CertificateSerializer
    detail_serializer_class = CertificateDetailSerializer
    create_serializer_class = CertificateCreateSerializer
    filterset_class = CertificateFilter

    @extend_schema(responses=CertificateDetailSerializer)
    def create(self, request, *args, **kwargs):
        incoming = self.get_serializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        values = dict(incoming.validated_data)
        submit = values.pop("submit")
        certificate = certificates.apply(
            Actor.from_request(request), MigrantCertificate(**values), submit=submit
        )
        detail = CertificateDetailSerializer(certificate, context=self.get_serializer_context())
        return Response(detail.data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=AttachmentSerializer(many=True))
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def attachments(self, request, pk=None):
        """The supporting files; POST (multipart ``file`` and ``description``) adds one."""
        certificate = self.get_object()
        if request.method == "POST":
            upload = request.FILES.get("file")
            if upload is None:
                raise DjangoValidationError({"file": _("Choose the file to upload.")})
            attachment = certificates.attach(
                certificate,
                Actor.from_request(request),
                upload,
                form_data(request).get("description", ""),
            )
            return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)
        return Response(AttachmentSerializer(certificate.attachments.all(), many=True).data)

    @extend_schema(request=None, responses=None)
    @action(
        detail=True,
        methods=["post"],
        url_path=r"notices/(?P<notice_id>[0-9]+)/acknowledge",
    )
    def acknowledge_notice(self, request, pk=None, notice_id=None):
        """Acknowledge a notice about this certificate. The township it is addressed to may not
        reach the certificate itself, so only the notice's own visibility is checked."""
        notice = get_visible_or_404(
            request.user, CertificateNotice, pk=notice_id, certificate_id=pk
        )
        try:
            acknowledged = perform(
                "acknowledge", notice, Actor.from_request(request), form_data(request)
            )
        except UnknownStep:
            raise Http404 from None
        return Response(NoticeSerializer(acknowledged, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses=None)
    @action(detail=True, methods=["get", "post"])
    def notices(self, request, pk=None):
        """The notices about this certificate; POST sends feedback to the other area."""
        certificate = self.get_object()
        if request.method == "POST":
            with transaction.atomic():
                notice = certificates.send_feedback(
                    certificate, Actor.from_request(request), form_data(request)
                )
            return Response(
                NoticeSerializer(notice, context=self.get_serializer_context()).data,
                status=status.HTTP_201_CREATED,
            )
        notices = visible_to(request.user, certificate.notices.all()).select_related(
            "certificate", "from_region", "to_region"
        )
        return Response(
            NoticeSerializer(notices, many=True, context=self.get_serializer_context()).data
        )


class NoticeSerializer(TransitionFieldsMixin, serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    holder_name = serializers.CharField(source="certificate.masked_holder_name", read_only=True)
    holder_id_number = serializers.CharField(
        source="certificate.masked_holder_id_number", read_only=True
    )
    certificate_kind = serializers.CharField(source="certificate.kind", read_only=True)
    from_region_name = serializers.CharField(source="from_region.name", read_only=True)
    to_region_name = serializers.CharField(source="to_region.name", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = CertificateNotice
        fields = [
            "id",
            "certificate",
            "certificate_kind",
            "kind",
            "kind_display",
            "topic",
            "holder_name",
            "holder_id_number",
            "from_region",
            "from_region_name",
            "to_region",
            "to_region_name",
            "message",
            "sent_at",
            "status",
            "status_display",
            "acknowledged_at",
            "reply",
            "overdue",
            "available_transitions",
        ]

    def get_overdue(self, notice) -> bool:
        return notice.overdue()


class NoticeViewSet(ProcessViewSet):
    """Notices addressed to or sent from the caller's townships; ``acknowledge`` as a transition."""

    xlsx_title = "地区间通知"

    model = CertificateNotice
    related = ("certificate", "from_region", "to_region")
    serializer_class = NoticeSerializer
    filterset_class = NoticeFilter
