"""API for reward and assistance applications (../shared/API.md): the village stage."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from casework.eligibility import Fact
from casework.filters import ApplicationFilter
from casework.models import Application, Appraisal, AppraisalOpinion, FactCode, Person, Program
from permissions.audit import Actor
from web.api.inputs import form_data
from web.api.transitions import CaseFieldsMixin, ProcessViewSet
from workflows import applications, bulk, reviews


class ApplicationSerializer(serializers.ModelSerializer):
    program = serializers.CharField(source="program_id", read_only=True)
    program_name = serializers.CharField(source="program.name", read_only=True)
    applicant_name = serializers.CharField(source="applicant.name", read_only=True)
    applicant_id_number = serializers.CharField(source="applicant.masked_id_number", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "program",
            "program_name",
            "year",
            "applicant",
            "applicant_name",
            "applicant_id_number",
            "spouse",
            "region",
            "status",
            "status_display",
            "status_reason",
            "created_at",
        ]


class ApplicationDetailSerializer(CaseFieldsMixin, ApplicationSerializer):
    facts = serializers.SerializerMethodField()
    eligibility = serializers.SerializerMethodField()

    class Meta(ApplicationSerializer.Meta):
        fields = ApplicationSerializer.Meta.fields + [
            "children",
            "deferred_from",
            "facts",
            "eligibility",
            "available_transitions",
            "history",
        ]

    def get_facts(self, application) -> list[dict]:
        return [
            {"code": f.code, "value": f.value, "evidence": f.evidence, "source": f.source}
            for f in application.facts.all()
        ]

    def get_eligibility(self, application) -> dict:
        assessment = applications.assessment_of(application)
        return {
            "outcome": assessment.outcome,
            "conditions": [
                {
                    "condition": f.condition,
                    "label": f.label,
                    "outcome": f.outcome,
                    "evidence": f.evidence,
                }
                for f in assessment.findings
            ],
        }


class FactInputSerializer(serializers.Serializer):
    value = serializers.JSONField()
    evidence = serializers.CharField(max_length=200, allow_blank=True, default="")


class ApplicationCreateSerializer(serializers.Serializer):
    program = serializers.SlugRelatedField(slug_field="code", queryset=Program.objects.all())
    year = serializers.IntegerField()
    # Who may be named is the apply step's rule; a missing person gets the same answer as one
    # beyond the caller's reach, so the answer discloses nothing.
    applicant = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.all(),
        error_messages={"does_not_exist": applications.PERSON_NOT_FOUND["applicant"]},
    )
    spouse = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.all(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": applications.PERSON_NOT_FOUND["spouse"]},
    )
    children = serializers.ListField(child=serializers.DictField(), required=False, default=list)
    facts = serializers.DictField(child=FactInputSerializer(), required=False, default=dict)
    submit = serializers.BooleanField(
        default=True, help_text="false: keep it a draft until the submit transition"
    )

    def validate_facts(self, facts):
        unknown = set(facts) - set(FactCode.values)
        if unknown:
            raise serializers.ValidationError(
                _("Unknown facts: %(codes)s") % {"codes": ", ".join(sorted(unknown))}
            )
        return {code: Fact(item["value"], item["evidence"]) for code, item in facts.items()}


class AppraisalRowSerializer(serializers.Serializer):
    application = serializers.IntegerField()
    opinion = serializers.ChoiceField(choices=AppraisalOpinion.choices)
    note = serializers.CharField(max_length=500, allow_blank=True, default="")


def _attendees_of_kind(help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=0, max_value=999, default=0, help_text=help_text)


class AppraisalSerializer(serializers.Serializer):
    """A meeting's record and its opinions; the rules of the record (at least one attendee,
    minutes) are the service's, as on the page."""

    held_on = serializers.DateField()
    attendees = serializers.CharField(max_length=2000, allow_blank=True)
    representatives = _attendees_of_kind("群众代表 (villagers' representatives, village cadres)")
    party_members = _attendees_of_kind("老党员 (old party members)")
    old_cadres = _attendees_of_kind("老干部 (old cadres)")
    peers = _attendees_of_kind("同龄人 (peers of the applicants who know the families)")
    attendee_count = serializers.IntegerField(
        min_value=0,
        required=False,
        help_text="Optional, for older clients: must equal the sum of the four kinds.",
    )
    minutes = serializers.CharField(max_length=5000, allow_blank=True, default="")
    entries = AppraisalRowSerializer(many=True)

    def validate(self, data):
        given = data.get("attendee_count")
        counted = sum(data[kind] for kind in Appraisal.ATTENDEE_KINDS)
        if given is not None and given != counted:
            raise serializers.ValidationError(
                {
                    "attendee_count": _(
                        "The number of attendees (%(given)s) is not the sum of the kinds (%(counted)s); give the number of each kind."
                    )
                    % {"given": given, "counted": counted}
                }
            )
        return data

    def attendees_by_kind(self) -> dict[str, int]:
        """The number of attendees of each kind (``Appraisal.ATTENDEE_KINDS``)."""
        return {kind: self.validated_data[kind] for kind in Appraisal.ATTENDEE_KINDS}


class TownshipRowSerializer(serializers.Serializer):
    application = serializers.IntegerField()
    decision = serializers.ChoiceField(choices=reviews.TownshipDecision.choices)
    opinion = serializers.CharField(max_length=1000, allow_blank=True, default="")


class TownshipCheckSerializer(serializers.Serializer):
    entries = TownshipRowSerializer(many=True)


class BulkSerializer(serializers.Serializer):
    transition = serializers.CharField()
    applications = serializers.ListField(
        child=serializers.IntegerField(), allow_empty=False, max_length=2000
    )

    def validate_transition(self, name):
        user = self.context["request"].user
        if name not in dict(bulk.bulk_steps_for(user)):
            raise serializers.ValidationError(str(bulk.NO_STEP))
        return name


class ApplicationViewSet(ProcessViewSet):
    """Applications in the caller's jurisdiction; the village stage's steps as transitions and
    ``POST appraise/`` for a democratic appraisal of many applications at once."""

    xlsx_title = "奖励扶助申请"

    model = Application
    related = ("program", "applicant")
    serializer_class = ApplicationSerializer
    detail_serializer_class = ApplicationDetailSerializer
    create_serializer_class = ApplicationCreateSerializer
    filterset_class = ApplicationFilter

    @extend_schema(responses=ApplicationDetailSerializer)
    def create(self, request, *args, **kwargs):
        incoming = self.get_serializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        values = dict(incoming.validated_data)
        facts, submit = values.pop("facts"), values.pop("submit")
        application = applications.apply(
            Actor.from_request(request), Application(**values), facts, submit=submit
        )
        detail = ApplicationDetailSerializer(application, context=self.get_serializer_context())
        return Response(detail.data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AppraisalSerializer, responses=None)
    @action(detail=False, methods=["post"])
    def appraise(self, request):
        """One meeting's opinions; answers each row with done or refused and why."""
        incoming = AppraisalSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        appraisal, results = applications.record_appraisal(
            Actor.from_request(request),
            held_on=data["held_on"],
            attendees=data["attendees"],
            attendees_by_kind=incoming.attendees_by_kind(),
            minutes=data["minutes"],
            opinions={row["application"]: (row["opinion"], row["note"]) for row in data["entries"]},
        )
        return Response(
            {
                "appraisal": appraisal.pk if appraisal else None,
                "results": [r.as_dict() for r in results],
            }
        )

    @extend_schema(request=BulkSerializer, responses=None)
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        """One transition (``transition``, with its own fields and ``opinion``) on many
        ``applications``; answers each row with done or refused and why."""
        incoming = BulkSerializer(data=request.data, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        run = bulk.run_bulk(
            Actor.from_request(request),
            incoming.validated_data["transition"],
            incoming.validated_data["applications"],
            form_data(request),
        )
        return Response(
            {
                "results": [r.as_dict() for r in run.results],
                "job": str(run.job.pk) if run.job else None,
            }
        )

    @extend_schema(request=TownshipCheckSerializer, responses=None)
    @action(detail=False, methods=["post"])
    def township_check(self, request):
        """The township reviewer's decisions on many applications, answered row by row."""
        incoming = TownshipCheckSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        results = reviews.record_township_checks(
            Actor.from_request(request),
            {
                row["application"]: (row["decision"], row["opinion"])
                for row in incoming.validated_data["entries"]
            },
        )
        return Response({"results": [r.as_dict() for r in results]})
