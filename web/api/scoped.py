"""The one shape of an API resource (../shared/API.md): the rows of a model the caller may see,
as a filtered list (also ``?format=xlsx``) and a detail, after the input checks. A view names
its model, the relations its serializers read and its serializers, and adds only its own
``create``, actions or ``get_object``."""

from django.db.models import Model
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import mixins, viewsets
from rest_framework.serializers import BaseSerializer

from permissions.scoping import visible_to
from web.api.inputs import CheckedInputMixin
from web.api.xlsx import XLSXListMixin


class ScopedViewSet(
    CheckedInputMixin,
    XLSXListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """List and detail narrowed by ``visible_to``, so a row out of reach is in no list and its
    detail is a 404. CheckedInputMixin is first so its checks run before any other base's work.
    No CreateModelMixin: a view that creates defines ``create`` (the router routes POST to any
    view that has one) and hands the input to a workflow."""

    # The model whose visible rows the view answers with.
    model: type[Model]
    # Relations the serializers read, for select_related (nothing is joined when empty).
    related: tuple[str, ...] = ()
    # order_by when given; else the model's own ordering.
    ordering: tuple[str, ...] = ()
    serializer_class: type[BaseSerializer] | None = None
    # Only for ``create`` (its input), when the view defines one.
    create_serializer_class: type[BaseSerializer] | None = None
    filter_backends = [DjangoFilterBackend]
    filterset_class = None

    @property
    def detail_serializer_class(self) -> type[BaseSerializer] | None:
        """The detail's serializer, and a transition's answer: the list's unless the view sets
        its own (a class attribute, which replaces this property)."""
        return self.serializer_class

    def get_queryset(self):
        queryset = visible_to(self.request.user, self.model)
        if self.related:  # select_related() without names would join every foreign key
            queryset = queryset.select_related(*self.related)
        return queryset.order_by(*self.ordering) if self.ordering else queryset

    def get_serializer_class(self):
        if self.action == "create" and self.create_serializer_class is not None:
            return self.create_serializer_class
        if self.action == "retrieve":
            return self.detail_serializer_class
        return self.serializer_class
