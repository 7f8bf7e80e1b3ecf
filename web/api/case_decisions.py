"""``cases/{id}/dispositions/``: the decisions per party (处理决定), proposed by the case's
investigators, with the fine the rule suggests (``suggested_fine/?illegal_gains=``)."""

from decimal import Decimal, InvalidOperation

from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from casework.models import Disposition
from casework.money import yuan
from permissions.audit import Actor
from web.api.inputs import form_data
from workflows import case_decisions


class DispositionSerializer(serializers.ModelSerializer):
    party_name = serializers.CharField(source="party.name")
    kind_display = serializers.CharField(source="get_kind_display")
    amount = serializers.SerializerMethodField()
    status_display = serializers.CharField(source="get_status_display")

    class Meta:
        model = Disposition
        fields = [
            "id",
            "party",
            "party_name",
            "kind",
            "kind_display",
            "amount",
            "grounds",
            "status",
            "status_display",
            "executed_on",
            "execution_note",
        ]

    def get_amount(self, disposition) -> str | None:
        return None if disposition.amount_fen is None else f"{yuan(disposition.amount_fen):.2f}"


class DispositionsMixin:
    """Nested decisions of a case; the view's ``get_object`` does the scoping (404)."""

    @extend_schema(request=OpenApiTypes.OBJECT, responses=DispositionSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def dispositions(self, request, pk=None):
        case = self.get_object()
        if request.method == "POST":
            case_decisions.propose_measure(Actor.from_request(request), case, form_data(request))
        rows = case.dispositions.select_related("party").order_by("id")
        code = status.HTTP_201_CREATED if request.method == "POST" else status.HTTP_200_OK
        return Response(DispositionSerializer(rows, many=True).data, status=code)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"], url_path="suggested-fine")
    def suggested_fine(self, request, pk=None):
        self.get_object()
        try:
            gains = Decimal(request.query_params.get("illegal_gains", ""))
        except InvalidOperation:
            gains = None
        low, high = case_decisions.suggested_fine(gains)
        return Response({"low": f"{low:.2f}", "high": f"{high:.2f}"})
