"""API for change requests (``change-requests/``): the scoped list with ``?q=&status=&kind=
&region=`` (and ``?format=xlsx``), the detail with the facts before and after, ``POST`` to
request a change (JSON or multipart with ``file``), transitions ``approve``, ``reject`` and
``withdraw``."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from casework.filters import ChangeRequestFilter
from casework.models import Application, ChangeRequest
from permissions.audit import Actor
from permissions.scoping import get_visible_or_404
from web.api.inputs import form_data, parse_id
from web.api.transitions import CaseFieldsMixin, ProcessViewSet, TransitionFieldsMixin
from workflows import changes


class ChangeRequestSerializer(TransitionFieldsMixin, serializers.ModelSerializer):
    applicant_name = serializers.CharField(source="application.applicant.name", read_only=True)
    applicant_id_number = serializers.CharField(
        source="application.applicant.masked_id_number", read_only=True
    )
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    requested_by = serializers.StringRelatedField()
    decided_by = serializers.StringRelatedField()
    before = serializers.SerializerMethodField()
    after = serializers.SerializerMethodField()

    class Meta:
        model = ChangeRequest
        fields = [
            "id",
            "application",
            "applicant_name",
            "applicant_id_number",
            "region",
            "kind",
            "kind_display",
            "effective_from",
            "before",
            "after",
            "reason",
            "status",
            "status_display",
            "status_reason",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "available_transitions",
        ]

    def get_before(self, change) -> dict:
        return changes.shown_facts(change.before, self.context["request"].user)

    def get_after(self, change) -> dict:
        return changes.shown_facts(change.after, self.context["request"].user)


class ChangeRequestDetailSerializer(CaseFieldsMixin, ChangeRequestSerializer):
    class Meta(ChangeRequestSerializer.Meta):
        fields = ChangeRequestSerializer.Meta.fields + ["history"]


class ChangeRequestViewSet(ProcessViewSet):
    """Changes to enrolled recipients' facts, requested by the village and decided by the
    township."""

    xlsx_title = "变更申请"

    model = ChangeRequest
    related = ("application__applicant", "requested_by", "decided_by")
    serializer_class = ChangeRequestSerializer
    detail_serializer_class = ChangeRequestDetailSerializer
    filterset_class = ChangeRequestFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(request=OpenApiTypes.OBJECT, responses=ChangeRequestDetailSerializer)
    def create(self, request, *args, **kwargs):
        """``application`` (id), ``kind``, ``effective_from``, ``reason``, the new facts of the
        kind (``address``; ``household`` number; ``bank`` and ``account_number``), ``file``."""
        data = form_data(request)
        pk = parse_id(data.get("application", ""))
        if pk is None:
            raise ValidationError({"application": _("Give the application's id.")})
        application = get_visible_or_404(request.user, Application, pk=pk)
        form = changes.ChangeRequestForm(data, request.FILES)
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        change = changes.request_change(
            Actor.from_request(request), application, form.cleaned_data, form.cleaned_data["file"]
        )
        detail = ChangeRequestDetailSerializer(change, context=self.get_serializer_context())
        return Response(detail.data, status=status.HTTP_201_CREATED)
