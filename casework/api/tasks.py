"""``tasks/``: the caller's inbox (../shared/API.md). Each row is an open task of an
application in the caller's jurisdiction at a step the caller's roles act at; ``summary/``
gives the counts per step with the overdue ones, and the annual reviews due."""

import dataclasses

from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from casework.models import Application, ApplicationStatus
from workflows import inbox


class TaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    application = serializers.IntegerField(source="process.artifact_object_id")
    applicant_name = serializers.SerializerMethodField()
    step = serializers.SerializerMethodField()
    step_display = serializers.SerializerMethodField()
    waiting_since = serializers.DateTimeField(source="created")
    overdue = serializers.SerializerMethodField()

    def get_step(self, task) -> str:
        return task.flow_task.name

    def get_step_display(self, task) -> str:
        return str(ApplicationStatus(task.flow_task.name).label)

    def get_applicant_name(self, task) -> str:
        application = self.context["applications"].get(task.process.artifact_object_id)
        return application.applicant.name if application else ""

    def get_overdue(self, task) -> bool:
        return inbox.is_overdue(task)


class TaskViewSet(viewsets.GenericViewSet):
    """Open tasks waiting for the caller, oldest first; ``?step=<status>`` narrows to one step,
    ``?overdue=true`` to the overdue ones."""

    serializer_class = TaskSerializer

    def get_queryset(self):
        params = self.request.query_params
        return inbox.open_tasks(
            self.request.user,
            step=params.get("step", ""),
            overdue=params.get("overdue") == "true",
        ).select_related("process")

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        ids = [task.process.artifact_object_id for task in page]
        applications = Application.objects.select_related("applicant").in_bulk(ids)
        rows = TaskSerializer(page, many=True, context={"applications": applications}).data
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
