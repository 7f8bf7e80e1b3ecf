"""API views for regions, persons and programs: scope, parse, call the action, serialize."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from casework.filters import PersonFilter, RegionFilter
from casework.models import Person, Program, Region
from permissions import rules
from permissions.audit import Actor
from permissions.scoping import jobs_visible_to
from web.api import serializers
from web.api.inputs import CheckedInputMixin
from web.api.scoped import ScopedViewSet
from web.api.xlsx import XLSXListMixin
from workflows import programs
from workflows.people import register_person


class RegionViewSet(ScopedViewSet):
    """Regions the caller reaches: their jurisdiction's subtree and the regions above it."""

    xlsx_title = "行政区划"

    model = Region
    ordering = ("code",)
    serializer_class = serializers.RegionSerializer
    filterset_class = RegionFilter
    lookup_field = "code"


class PersonViewSet(ScopedViewSet):
    """Persons in the caller's jurisdiction or granted to them; ID numbers masked in lists."""

    xlsx_title = "人员"

    model = Person
    related = ("household",)
    ordering = ("id",)
    serializer_class = serializers.PersonSerializer
    detail_serializer_class = serializers.PersonDetailSerializer
    create_serializer_class = serializers.PersonCreateSerializer
    filterset_class = PersonFilter

    @extend_schema(responses=serializers.PersonDetailSerializer)
    def create(self, request, *args, **kwargs):
        incoming = self.get_serializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        person = register_person(Actor.from_request(request), Person(**incoming.validated_data))
        detail = serializers.PersonDetailSerializer(person, context=self.get_serializer_context())
        return Response(detail.data, status=status.HTTP_201_CREATED)


class JobView(CheckedInputMixin, generics.RetrieveAPIView):
    """A job's progress: visible to the officer who started it and to administrators."""

    serializer_class = serializers.JobSerializer

    def get_queryset(self):
        return jobs_visible_to(self.request.user)


class ProgramViewSet(
    CheckedInputMixin,
    XLSXListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The programs, each with the standard in force today, its conditions and its standards.
    County approvers and administrators add programs (POST), change them (PATCH) and add
    standards (POST ``standards/``), through ``workflows.programs`` as the pages do."""

    xlsx_title = "扶助项目"

    serializer_class = serializers.ProgramSerializer
    lookup_field = "code"

    def get_queryset(self):
        if not rules.may_see_programs(self.request.user):
            return Program.objects.none()
        return Program.objects.prefetch_related("standards", "conditions").order_by("code")

    def _shown(self, program: Program, status_code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=program.pk)
        return Response(self.get_serializer(fresh).data, status=status_code)

    @extend_schema(
        request=serializers.ProgramCreateInput, responses={201: serializers.ProgramSerializer}
    )
    def create(self, request, *args, **kwargs):
        """Add a program with its conditions and its first standard."""
        if not rules.may_add_programs(request.user):
            raise PermissionDenied(_("Your role may not add programs."))
        incoming = serializers.ProgramCreateInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        program = programs.add_program(Actor.from_request(request), **incoming.arguments())
        return self._shown(program, status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.ProgramChangeInput, responses={200: serializers.ProgramSerializer}
    )
    def partial_update(self, request, *args, **kwargs):
        """Change what may change of a program; its conditions replaced when given."""
        if not rules.may_edit_programs(request.user):
            raise PermissionDenied(_("Your role may not change programs."))
        program = self.get_object()
        incoming = serializers.ProgramChangeInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        programs.change_program(Actor.from_request(request), program, **incoming.arguments())
        return self._shown(program)

    @extend_schema(
        request=serializers.ProgramStandardInput,
        responses={201: serializers.ProgramStandardSerializer},
    )
    @action(detail=True, methods=["post"])
    def standards(self, request, code=None):
        """Add a dated standard to the program."""
        if not rules.may_add_standards(request.user):
            raise PermissionDenied(_("Your role may not add standards."))
        program = self.get_object()
        incoming = serializers.ProgramStandardInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        standard = programs.add_standard(
            Actor.from_request(request),
            program,
            serializers.ProgramStandardInput.terms(incoming.validated_data),
        )
        return Response(
            serializers.ProgramStandardSerializer(standard).data, status=status.HTTP_201_CREATED
        )
