"""API for two-illegal enforcement cases (../shared/API.md ``cases/``): the clue, the
registration steps as transitions, and the informant for approvers and supervisors (audited).
Lists and details never carry the informant."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from casework.filters import CaseFilter
from casework.models import CaseAction, CaseParty, EnforcementCase, Evidence, Region
from permissions.audit import Actor
from web.api.case_decisions import DispositionsMixin
from web.api.inputs import form_data
from web.api.transitions import CaseFieldsMixin, ProcessViewSet, TransitionFieldsMixin
from workflows import case_files, cases


class CaseSerializer(TransitionFieldsMixin, serializers.ModelSerializer):
    source_display = serializers.CharField(source="get_source_display", read_only=True)

    class Meta:
        model = EnforcementCase
        fields = [
            "id",
            "number",
            "region",
            "source",
            "source_display",
            "received_on",
            "subject",
            "status",
            "status_display",
            "registered_on",
            "decision_due",
            "available_transitions",
        ]


class CaseDetailSerializer(CaseFieldsMixin, CaseSerializer):
    investigators = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = CaseSerializer.Meta.fields + [
            "summary",
            "proposal_reason",
            "late_reason",
            "status_reason",
            "registration_due",
            "investigators",
            "history",
        ]

    def get_investigators(self, case) -> list[str]:
        return [str(grant.user) for grant in case.grants.select_related("user")]


class ClueSerializer(serializers.ModelSerializer):
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all())
    informant_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    informant_contact = serializers.CharField(max_length=100, required=False, allow_blank=True)

    class Meta:
        model = EnforcementCase
        fields = [
            "region",
            "source",
            "received_on",
            "subject",
            "summary",
            "informant_name",
            "informant_contact",
        ]


class CasePartySerializer(serializers.ModelSerializer):
    """A party; a person's ID number is always masked here (lists and API answers)."""

    role_display = serializers.CharField(source="get_role_display", read_only=True)
    id_number = serializers.SerializerMethodField()

    class Meta:
        model = CaseParty
        fields = [
            "id",
            "name",
            "role",
            "role_display",
            "id_number",
            "is_medical_staff",
            "licence_number",
            "employer",
            "public_employee",
            "from_outside",
            "recorded_at",
        ]

    def get_id_number(self, party) -> str:
        return party.shown_id_number


class EvidenceSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    collected_by = serializers.StringRelatedField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "kind",
            "kind_display",
            "description",
            "sha256",
            "size",
            "collected_by",
            "collected_on",
            "recorded_at",
        ]


class CaseActionSerializer(serializers.ModelSerializer):
    officer = serializers.StringRelatedField()

    class Meta:
        model = CaseAction
        fields = ["id", "happened_on", "description", "officer", "recorded_at"]


class CaseViewSet(DispositionsMixin, ProcessViewSet):
    """Cases the caller may see: assigned investigators; approvers and supervisors of the
    jurisdiction. Anyone else gets 404."""

    xlsx_title = "两非案件"

    model = EnforcementCase
    serializer_class = CaseSerializer
    detail_serializer_class = CaseDetailSerializer
    create_serializer_class = ClueSerializer
    filterset_class = CaseFilter

    @extend_schema(request=ClueSerializer, responses=CaseDetailSerializer)
    def create(self, request, *args, **kwargs):
        """Record a clue; the informant's name and contact are stored apart."""
        incoming = ClueSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        values = dict(incoming.validated_data)
        informant = {
            "name": values.pop("informant_name", ""),
            "contact": values.pop("informant_contact", ""),
        }
        case = cases.record_clue(Actor.from_request(request), EnforcementCase(**values), informant)
        body = CaseDetailSerializer(case, context=self.get_serializer_context())
        return Response(body.data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"])
    def informant(self, request, pk=None):
        """Who reported the clue (approvers and supervisors only; every call is audited)."""
        informant = cases.informant_of(Actor.from_request(request), self.get_object())
        if informant is None:
            return Response({"name": "", "contact": "", "note": ""})
        return Response(
            {"name": informant.name, "contact": informant.contact, "note": informant.note}
        )

    @extend_schema(request=CasePartySerializer, responses=CasePartySerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def parties(self, request, pk=None):
        """The parties; POST records one (assigned investigators, while registered)."""
        case = self.get_object()
        if request.method == "POST":
            party = case_files.add_party(Actor.from_request(request), case, form_data(request))
            return Response(CasePartySerializer(party).data, status=status.HTTP_201_CREATED)
        return Response(CasePartySerializer(case.parties.all(), many=True).data)

    @extend_schema(request=None, responses=EvidenceSerializer(many=True))
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def evidence(self, request, pk=None):
        """The evidence; POST (multipart ``file``, ``kind``, ``description``,
        ``collected_on``) keeps one with its SHA-256."""
        case = self.get_object()
        if request.method == "POST":
            upload = request.FILES.get("file")
            if upload is None:
                raise DjangoValidationError({"file": _("Choose the file to upload.")})
            data = form_data(request)
            evidence = case_files.add_evidence(
                Actor.from_request(request),
                case,
                upload,
                data.get("kind", ""),
                data.get("description", ""),
                data.get("collected_on", ""),
            )
            return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)
        items = case.evidence.select_related("collected_by")
        return Response(EvidenceSerializer(items, many=True).data)

    @extend_schema(request=None, responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"], url_path=r"evidence/(?P<evidence_id>[0-9]+)/file")
    def evidence_file(self, request, pk=None, evidence_id=None):
        """Download an evidence file (whoever sees the case)."""
        evidence = case_files.evidence_of(self.get_object(), evidence_id)
        return FileResponse(
            evidence.file.open("rb"),
            content_type=case_files.content_type_of(evidence),
            as_attachment=True,
            filename=case_files.download_name(evidence),
        )

    @extend_schema(request=CaseActionSerializer, responses=CaseActionSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def chronology(self, request, pk=None):
        """The chronology; POST (``happened_on``, ``description``) adds an entry."""
        case = self.get_object()
        if request.method == "POST":
            data = form_data(request)
            entry = case_files.add_action(
                Actor.from_request(request),
                case,
                data.get("happened_on", ""),
                data.get("description", ""),
            )
            return Response(CaseActionSerializer(entry).data, status=status.HTTP_201_CREATED)
        entries = case.chronology.select_related("officer")
        return Response(CaseActionSerializer(entries, many=True).data)
