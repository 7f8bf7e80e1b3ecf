"""``tasks/``: the caller's inbox (../shared/API.md). Each row is an open task of an
application in the caller's jurisdiction at a step the caller's roles act at; ``summary/``
gives the counts per step with the overdue ones, and the annual reviews due."""

import dataclasses

from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from casework.models import ApplicationStatus
from web.api.inputs import CheckedInputMixin
from workflows import inbox, processes


class TaskSerializer(serializers.Serializer):
    """One waiting application as its open workflow task (``id`` is the task's; null for an
    application whose process has not started, such as one imported or generated)."""

    id = serializers.SerializerMethodField()
    application = serializers.IntegerField(source="pk")
    applicant_name = serializers.CharField(source="applicant.name")
    step = serializers.CharField(source="status")
    step_display = serializers.SerializerMethodField()
    waiting_since = serializers.DateTimeField(source="status_changed_at")
    overdue = serializers.SerializerMethodField()

    def get_id(self, application) -> int | None:
        return self.context["tasks"].get(application.pk)

    def get_step_display(self, application) -> str:
        # One label, where the model's get_status_display translates all of them per row.
        return str(ApplicationStatus(application.status).label)

    def get_overdue(self, application) -> bool:
        return inbox.is_overdue(application)


class TaskViewSet(CheckedInputMixin, viewsets.GenericViewSet):
    """Applications waiting for the caller, longest waiting first; ``?step=<status>`` narrows
    to one step, ``?overdue=true`` to the overdue ones."""

    serializer_class = TaskSerializer

    def get_queryset(self):
        params = self.request.query_params
        return inbox.waiting_applications(
            self.request.user,
            step=params.get("step", ""),
            overdue=params.get("overdue") == "true",
        )

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        tasks = processes.open_task_ids_by_application([application.pk for application in page])
        rows = TaskSerializer(page, many=True, context={"tasks": tasks}).data
        return self.get_paginated_response(rows)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=False)
    def summary(self, request):
        reviews = inbox.annual_reviews_due(request.user)
        return Response(
            {
                "steps": [dataclasses.asdict(row) for row in inbox.application_inbox(request.user)],
                "cases": [dataclasses.asdict(row) for row in inbox.case_inbox(request.user)],
                "changes": [dataclasses.asdict(row) for row in inbox.change_inbox(request.user)],
                "annual_review": dataclasses.asdict(reviews) if reviews else None,
            }
        )
