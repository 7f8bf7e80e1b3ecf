"""API views for regions and persons: scope, parse, call the action, serialize."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status, viewsets
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


class ProgramViewSet(CheckedInputMixin, XLSXListMixin, viewsets.ReadOnlyModelViewSet):
    """The programs, each with the standard in force today and its eligibility conditions."""

    xlsx_title = "扶助项目"

    serializer_class = serializers.ProgramSerializer
    lookup_field = "code"

    def get_queryset(self):
        if not rules.may_see_programs(self.request.user):
            return Program.objects.none()
        return Program.objects.prefetch_related("standards").order_by("code")
