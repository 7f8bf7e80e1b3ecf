"""API for public postings and objections (../shared/API.md)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from casework.filters import ObjectionFilter, PostingFilter
from casework.models import (
    Objection,
    ObjectionChannel,
    Posting,
    PostingEntry,
    PostingLevel,
    Program,
    Region,
)
from permissions import rules
from permissions.audit import Actor
from permissions.scoping import visible_to
from web.api.errors import error_response
from web.api.transitions import CaseFieldsMixin, ProcessViewSet, TransitionFieldsMixin
from workflows import postings


class EntrySerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="application.applicant.name", read_only=True)
    id_number = serializers.CharField(
        source="application.applicant.masked_id_number", read_only=True
    )
    application_status = serializers.CharField(source="application.status", read_only=True)

    class Meta:
        model = PostingEntry
        fields = ["id", "application", "name", "id_number", "application_status"]


class PostingSerializer(TransitionFieldsMixin, serializers.ModelSerializer):
    program = serializers.CharField(source="program_id", read_only=True)
    document_number = serializers.CharField(source="document.number", default=None, read_only=True)

    class Meta:
        model = Posting
        fields = [
            "id",
            "level",
            "region",
            "program",
            "year",
            "starts_on",
            "ends_on",
            "place",
            "contact_phone",
            "status",
            "status_display",
            "document_number",
            "available_transitions",
        ]


class ReportLineSerializer(serializers.Serializer):
    level = serializers.CharField()
    office = serializers.CharField()
    phone = serializers.CharField()


class PostingDetailSerializer(CaseFieldsMixin, PostingSerializer):
    entries = EntrySerializer(many=True, read_only=True)
    report_lines = serializers.SerializerMethodField()

    class Meta(PostingSerializer.Meta):
        fields = PostingSerializer.Meta.fields + ["entries", "report_lines", "history"]

    @extend_schema_field(ReportLineSerializer(many=True))
    def get_report_lines(self, posting) -> list[dict]:
        """Each level's report line (举报电话), the posting's own first."""
        return ReportLineSerializer(postings.report_lines(posting), many=True).data


class PostingCreateSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=PostingLevel.choices, default=PostingLevel.VILLAGE)
    program = serializers.SlugRelatedField(slug_field="code", queryset=Program.objects.all())
    year = serializers.IntegerField()
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all())
    starts_on = serializers.DateField()
    days = serializers.IntegerField(min_value=1, max_value=60)
    place = serializers.CharField(max_length=200)
    contact_phone = serializers.CharField(max_length=100)
    applications = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)


class CloseManySerializer(serializers.Serializer):
    postings = serializers.ListField(
        child=serializers.IntegerField(), allow_empty=False, max_length=2000
    )


class PostingViewSet(ProcessViewSet):
    """Postings in the caller's jurisdiction; POST opens a posting of a level (per-row results;
    a long list's notice is issued by the background job named in ``job``)."""

    xlsx_title = "张榜公示"

    model = Posting
    related = ("document",)
    serializer_class = PostingSerializer
    detail_serializer_class = PostingDetailSerializer
    create_serializer_class = PostingCreateSerializer
    filterset_class = PostingFilter

    def get_object(self):
        posting = super().get_object()
        if self.action == "retrieve":
            posting = (
                Posting.objects.prefetch_related("entries__application__applicant")
                .select_related("document")
                .get(pk=posting.pk)
            )
        return posting

    @extend_schema(request=CloseManySerializer, responses=None)
    @action(detail=False, methods=["post"], url_path="close")
    def close_many(self, request):
        """Close many postings at once; each answers done or refused and why."""
        incoming = CloseManySerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        results = postings.close_many(
            Actor.from_request(request), incoming.validated_data["postings"]
        )
        return Response({"results": [r.as_dict("posting") for r in results]})

    @extend_schema(request=PostingCreateSerializer, responses=None)
    def create(self, request, *args, **kwargs):
        incoming = PostingCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        opened = postings.open_posting(
            Actor.from_request(request),
            level=data["level"],
            program=data["program"],
            year=data["year"],
            region=data["region"],
            starts_on=data["starts_on"],
            days=data["days"],
            place=data["place"],
            contact_phone=data["contact_phone"],
            application_ids=data["applications"],
        )
        rows = [r.as_dict() for r in opened.results]
        if opened.posting is None:
            return error_response(
                "invalid",
                _("No application could be posted."),
                status.HTTP_400_BAD_REQUEST,
                {"applications": [r["message"] for r in rows]},
            )
        body = PostingDetailSerializer(opened.posting, context=self.get_serializer_context()).data
        job = str(opened.notice_job.pk) if opened.notice_job else None
        return Response({**body, "results": rows, "job": job}, status=status.HTTP_201_CREATED)


class ObjectionSerializer(TransitionFieldsMixin, serializers.ModelSerializer):
    """An objection; who raised it only for supervisors (API.md: objections)."""

    posting = serializers.IntegerField(source="entry.posting_id", read_only=True)
    application = serializers.IntegerField(source="entry.application_id", read_only=True)

    class Meta:
        model = Objection
        fields = [
            "id",
            "entry",
            "posting",
            "application",
            "channel",
            "content",
            "reporter_name",
            "reporter_contact",
            "received_on",
            "status",
            "status_display",
            "resolution",
            "available_transitions",
        ]
        extra_kwargs = {"entry": {"queryset": PostingEntry.objects.all()}}

    def to_representation(self, objection):
        data = super().to_representation(objection)
        if not rules.may_see_objection_reporters(self.context["request"].user):
            data.pop("reporter_name")
            data.pop("reporter_contact")
        return data


class ObjectionCreateSerializer(serializers.Serializer):
    entry = serializers.IntegerField()
    channel = serializers.ChoiceField(choices=ObjectionChannel.choices)
    content = serializers.CharField(max_length=4000)
    reporter_name = serializers.CharField(max_length=50, allow_blank=True, default="")
    reporter_contact = serializers.CharField(max_length=100, allow_blank=True, default="")
    received_on = serializers.DateField()


class ObjectionViewSet(ProcessViewSet):
    """Objections to entries of postings in the caller's jurisdiction; uphold / dismiss."""

    xlsx_title = "异议"

    model = Objection
    related = ("entry",)
    serializer_class = ObjectionSerializer
    filterset_class = ObjectionFilter

    @extend_schema(request=ObjectionCreateSerializer, responses=ObjectionSerializer)
    def create(self, request, *args, **kwargs):
        incoming = ObjectionCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        entry = (
            PostingEntry.objects.filter(
                posting__in=visible_to(request.user, Posting), pk=data.pop("entry")
            )
            .select_related("posting")
            .first()
        )
        if entry is None:
            return error_response("not_found", _("Not found, or outside your jurisdiction."), 404)
        objection = postings.record_objection(
            Actor.from_request(request), Objection(entry=entry, **data)
        )
        return Response(
            ObjectionSerializer(objection, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )
