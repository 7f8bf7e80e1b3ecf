"""What every case-like resource answers (../shared/API.md): status, the transitions the caller
may run now, the history, the documents, and ``POST {id}/transitions/{name}/``."""

from django.http import Http404
from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from documents.models import Document
from permissions.audit import Actor
from permissions.scoping import visible_to
from web.api.documents import DocumentSerializer
from web.api.inputs import form_data
from web.api.scoped import ScopedViewSet
from workflows import transitions


class TransitionFieldsMixin(serializers.Serializer):
    """Adds status_display and available_transitions (no queries: fit for lists)."""

    status_display = serializers.CharField(source="get_status_display", read_only=True)
    available_transitions = serializers.SerializerMethodField()

    def get_available_transitions(self, obj) -> list[str]:
        user = self.context["request"].user
        return [step.name for step in transitions.available_steps(user, obj)]


class CaseFieldsMixin(TransitionFieldsMixin):
    """Adds the history too: one query, for detail serializers."""

    history = serializers.SerializerMethodField()

    def get_history(self, obj) -> list[dict]:
        return transitions.history(obj)


class TransitionsMixin:
    """``POST {id}/transitions/{name}/`` runs a named step; ``GET {id}/documents/`` lists the
    documents issued for the object. The view's ``get_object`` does the scoping (404); its
    ``detail_serializer_class`` answers a transition."""

    detail_serializer_class: type[serializers.Serializer]

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<name>[a-z_]+)")
    def transitions(self, request, pk=None, name=None):
        obj = self.get_object()
        try:
            moved = transitions.perform(
                name, obj, Actor.from_request(request), form_data(request), request.FILES
            )
        except transitions.UnknownStep:
            raise Http404 from None
        serializer = self.detail_serializer_class(moved, context=self.get_serializer_context())
        return Response(serializer.data)

    @extend_schema(responses=DocumentSerializer(many=True))
    @action(detail=True, methods=["get"])
    def documents(self, request, pk=None):
        obj = self.get_object()
        documents = visible_to(request.user, Document.objects.for_subject(obj)).select_related(
            "office", "previous", "issued_by"
        )
        return Response(DocumentSerializer(documents, many=True).data)


class ProcessViewSet(TransitionsMixin, ScopedViewSet):
    """A scoped resource that moves through named steps, with its transitions and documents.
    Here, not in web.api.scoped: this module imports the documents API, which is scoped too.
    TransitionsMixin adds actions only (no ``initial``, ``finalize_response`` or ``list``), so
    ahead of ScopedViewSet it leaves CheckedInputMixin's checks first."""
