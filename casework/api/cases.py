"""API for two-illegal enforcement cases (../shared/API.md ``cases/``): the clue, the
registration steps as transitions, and the informant for approvers and supervisors (audited).
Lists and details never carry the informant."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from casework.api.transitions import CaseFieldsMixin, TransitionFieldsMixin, TransitionsMixin
from casework.filters import CaseFilter
from casework.models import EnforcementCase, Region
from permissions.audit import Actor
from permissions.scoping import visible_to
from workflows import cases


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


class CaseViewSet(
    TransitionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Cases the caller may see: assigned investigators; approvers and supervisors of the
    jurisdiction. Anyone else gets 404."""

    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = CaseFilter
    detail_serializer_class = CaseDetailSerializer

    def get_queryset(self):
        return visible_to(self.request.user, EnforcementCase)

    def get_serializer_class(self):
        if self.action == "create":
            return ClueSerializer
        if self.action == "retrieve":
            return CaseDetailSerializer
        return CaseSerializer

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
