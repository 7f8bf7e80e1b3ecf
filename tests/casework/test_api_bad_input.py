"""Bad input never makes the API fail (issue 27, item 5): every operation of the OpenAPI
schema, called with malformed JSON, bodies that are not objects, values of the wrong type,
100,000-character strings, NUL characters and ids of nothing, answers 4xx with the error body
of ../shared/API.md, never 5xx.

The suite runs on SQLite here, which stores what PostgreSQL refuses; so the database is made
to refuse text with NUL characters as psycopg2 does, and after each operation the tables are
searched for values PostgreSQL would have refused (text longer than its column, integers
outside their column's range, decimals with too many digits).
"""

import datetime
import json
import re
import uuid
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import connection, models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import Q
from django.db.models.functions import Length
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from casework.factories import (
    ApplicationFactory,
    BankAccountFactory,
    EnforcementCaseFactory,
    HouseholdFactory,
    MigrantCertificateFactory,
    PaymentFactory,
    PersonFactory,
    PostingFactory,
)
from casework.models import (
    Application,
    ApplicationStatus,
    CaseStatus,
    CertificateNotice,
    ChangeKind,
    ChangeRequest,
    Comparison,
    ComparisonFinding,
    DataImport,
    EnforcementCase,
    Evidence,
    EvidenceKind,
    ImportKind,
    ImportStatus,
    Job,
    MigrantCertificate,
    MigrationAgreement,
    NoticeKind,
    Objection,
    ObjectionChannel,
    PaymentBatch,
    Posting,
    PostingEntry,
    Recovery,
)
from documents.models import Document
from permissions.audit import Actor
from permissions.factories import OfficerFactory
from permissions.grants import put_grant
from permissions.roles import Role
from tests.conftest import COUNTY, OTHER_TOWNSHIP, TOWNSHIP, VILLAGE
from workflows import case_decisions, case_files, certificates, changes
from workflows.transitions import steps_of

LONG = "x" * 100_000
NUL = "a\x00b"
# Path ids: not a number, nothing, out of reach, full-width digits, huge, NUL.
PATH_IDS = ["abc", "0", "99999999", "１２", LONG, "1%00", "9" * 30]
# Whole bodies that are not JSON objects (sent as JSON text).
BAD_BODIES = ["{not json", "[1, 2]", '"text"', "42", "null", '{"a": "\\u0000"}']
# Each declared property in turn: wrong types, a long string, NUL, a huge number.
BAD_VALUES = [LONG, NUL, None, {"a": 1}, [1, "x"], True, 10**15, -1.5]
# Query parameters (filters, search, paging) in turn.
BAD_QUERY = [NUL, LONG, "abc", "-1", "0", "1.5", "１２", "9" * 30, "2026-13-45"]
CJK = re.compile("[\u4e00-\u9fff]")

# The objects a path names, per resource (the first segment of the path).
MODELS = {
    "applications": Application,
    "postings": Posting,
    "objections": Objection,
    "certificates": MigrantCertificate,
    "notices": CertificateNotice,
    "payment-batches": PaymentBatch,
    "recoveries": Recovery,
    "cases": EnforcementCase,
    "change-requests": ChangeRequest,
    "comparisons": ComparisonFinding,
    "agreements": MigrationAgreement,
}

# Operations whose body the schema leaves open (an object of any fields): the fields they
# read, taken from the forms that read them.
OPEN_BODIES = {
    ("post", "/api/v1/change-requests/"): ["application", *changes.ChangeRequestForm.base_fields],
    ("post", "/api/v1/cases/{id}/dispositions/"): list(case_decisions.DispositionForm.base_fields),
    ("post", "/api/v1/certificates/{id}/notices/"): list(certificates.FeedbackForm.base_fields),
    ("post", "/api/v1/cases/{id}/evidence/"): list(case_files.EvidenceForm.base_fields),
    ("post", "/api/v1/cases/{id}/chronology/"): list(case_files.ChronologyForm.base_fields),
    ("post", "/api/v1/certificates/{id}/attachments/"): ["description", "file"],
    ("post", "/api/v1/certificates/{id}/notices/{notice_id}/acknowledge/"): ["reply"],
    ("post", "/api/v1/applications/bulk/"): ["transition", "applications", "opinion"],
}


def _operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            found.append(pytest.param(method, path, operation, id=f"{method.upper()} {path}"))
    return found, schema


OPERATIONS, SCHEMA = _operations()


@pytest.fixture
def refuses_nul_like_postgresql():
    """psycopg2 refuses text with NUL characters (and jsonb refuses its escape) before the
    query runs; SQLite would store them, so refuse them here too."""

    def refuse(execute, sql, params, many, context):
        rows = params if many else [params]
        for row in rows or []:
            values = row.values() if isinstance(row, dict) else row or []
            for value in values:
                if isinstance(value, str) and ("\x00" in value or "\\u0000" in value):
                    raise ValueError("A string literal cannot contain NUL (0x00) characters.")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse):
        yield


@pytest.fixture
def officers(make_officer, regions):
    """A village officer, a township officer and a county officer of many roles (reaching
    the most code)."""
    return {
        "village": make_officer(Role.VILLAGE_OFFICER, VILLAGE, username="bad_village"),
        "county": OfficerFactory(
            username="bad_county",
            jurisdiction=regions[COUNTY],
            roles=[
                Role.COUNTY_APPROVER,
                Role.SUPERVISOR,
                Role.CASE_APPROVER,
                Role.FUND_MANAGER,
                Role.DISBURSEMENT_OFFICER,
                Role.MIGRANT_SERVICE_OFFICER,
                Role.COUNTY_INSPECTOR,
                Role.INVESTIGATOR,
            ],
        ),
        "township": OfficerFactory(
            username="bad_township",
            jurisdiction=regions[TOWNSHIP],
            roles=[Role.TOWNSHIP_REVIEWER, Role.MIGRANT_SERVICE_OFFICER],
        ),
    }


@pytest.fixture
def world(regions, officers, offices, refuses_nul_like_postgresql):
    """One object of each kind, reachable by the officers, so that ids exist; built on the
    models directly (no documents are rendered) to keep the walk fast."""
    village, county = officers["village"], officers["county"]
    now = datetime.datetime(2026, 11, 24, 9, 0, tzinfo=datetime.UTC)
    here = regions[VILLAGE]
    enrolled = ApplicationFactory(
        applicant__region=here,
        status=ApplicationStatus.ENROLLED,
        paid_from=datetime.date(2026, 1, 1),
        created_by=village,
    )
    BankAccountFactory(person=enrolled.applicant, recorded_by=village)
    enrolled.applicant.household = HouseholdFactory(region=here)
    enrolled.applicant.save()
    submitted = ApplicationFactory(applicant__region=here, created_by=village)
    revoked = ApplicationFactory(
        applicant__region=here, status=ApplicationStatus.REVOKED, created_by=village
    )
    posting = PostingFactory(region=here, opened_by=village)
    entry = PostingEntry.objects.create(posting=posting, application=submitted)
    objection = Objection.objects.create(
        entry=entry,
        channel=ObjectionChannel.PHONE,
        content="有异议",
        received_on=datetime.date(2026, 11, 20),
        recorded_by=village,
        recorded_at=now,
    )
    certificate = MigrantCertificateFactory(person__region=here)
    notice = CertificateNotice.objects.create(
        certificate=certificate,
        kind=NoticeKind.FEEDBACK,
        from_region=regions[OTHER_TOWNSHIP],
        to_region=regions[TOWNSHIP],
        message="已迁出",
        sent_by=county,
        sent_at=now,
    )
    batch = PaymentFactory(application=enrolled, batch__region=regions[COUNTY]).batch
    recovery = Recovery.objects.create(
        application=revoked,
        false_since=datetime.date(2026, 1, 1),
        amount_due_fen=96000,
        created_by=county,
        created_at=now,
    )
    case = EnforcementCaseFactory(
        region=regions[COUNTY],
        status=CaseStatus.REGISTERED,
        number="安和县卫两非〔2026〕1号",
        registered_on=datetime.date(2026, 11, 2),
        decision_due=datetime.date(2027, 2, 2),
        recorded_by=county,
    )
    put_grant(Actor(county), user=county, obj=case, reason="调查")
    evidence = Evidence(
        case=case,
        kind=EvidenceKind.DOCUMENT,
        description="询问笔录",
        sha256="0" * 64,
        size=9,
        collected_by=county,
        collected_on=datetime.date(2026, 11, 3),
        recorded_at=now,
    )
    evidence.file.save("evidence.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    evidence.save()
    change = ChangeRequest.objects.create(
        application=enrolled,
        region=here,
        kind=ChangeKind.ADDRESS,
        after={"address": "东风村2组"},
        effective_from=datetime.date(2026, 11, 1),
        reason="搬家",
        requested_by=village,
        requested_at=now,
    )
    office = offices["county-wjw"]
    document = Document(
        kind="posting_notice",
        title="公示",
        number="安和县卫健〔2026〕1号",
        office=office,
        year=2026,
        serial=1,
        code="ABCD2345EFGH6789",
        region=here,
        subject_type=ContentType.objects.get_for_model(Posting),
        subject_id=str(posting.pk),
        signer_fingerprint="0" * 64,
        sha256="1" * 64,
        size=9,
        pages=1,
        issued_at=now,
        issued_by=village,
    )
    document.file.save("notice.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    document.save()
    data_import = DataImport(
        kind=ImportKind.PERSONS,
        file_name="人员.csv",
        region=here,
        imported_by=village,
        status=ImportStatus.PREVIEWED,
        rows=1,
        valid_rows=1,
    )
    data_import.file.save("persons.csv", ContentFile("身份证号码\n".encode()), save=False)
    data_import.save()
    job = Job.objects.create(kind="test", title="测试", started_by=county)
    comparison = Comparison.objects.create(
        source="public_security",
        region=regions[COUNTY],
        half_year=datetime.date(2026, 7, 1),
        file_name="公安.csv",
        sha256="2" * 64,
        uploaded_by=county,
        uploaded_at=now,
        rows=1,
    )
    ComparisonFinding.objects.create(
        comparison=comparison,
        row=2,
        person=enrolled.applicant,
        region=here,
        application=enrolled,
        kind="death",
        happened_on=datetime.date(2026, 9, 1),
        message="公安：死亡 2026-09-01",
    )
    agreement = MigrationAgreement.objects.create(
        number="双向协议2026-001",
        outflow_region=regions[TOWNSHIP],
        inflow_region=regions[OTHER_TOWNSHIP],
        signed_on=datetime.date(2026, 1, 5),
        valid_from=datetime.date(2026, 1, 10),
        valid_until=datetime.date(2028, 12, 31),
        feedback_months=3,
        outflow_signatory="城关镇计生办",
        inflow_signatory="石桥乡计生办",
        recorded_by=county,
        recorded_at=now,
    )
    return {
        "ids": {
            "applications": submitted.pk,
            "postings": posting.pk,
            "objections": objection.pk,
            "certificates": certificate.pk,
            "notices": notice.pk,
            "payment-batches": batch.pk,
            "recoveries": recovery.pk,
            "cases": case.pk,
            "change-requests": change.pk,
            "documents": document.pk,
            "imports": data_import.pk,
            "jobs": job.pk,
            "persons": enrolled.applicant_id,
            "regions": VILLAGE,
            "programs": "rural-reward",
            "verify": document.code,
            "evidence_id": evidence.pk,
            "notice_id": notice.pk,
            "comparisons": comparison.pk,
            "comparison_id": comparison.pk,
            "row": 2,
            "agreements": agreement.pk,
        },
        # Plausible values of body fields that name other objects.
        "values": {
            "application": enrolled.pk,
            "applications": [submitted.pk],
            "applicant": PersonFactory(region=here).pk,
            "spouse": None,
            "entry": entry.pk,
            "postings": [posting.pk],
            "region": VILLAGE,
            "registration_region": VILLAGE,
            "residence_region": None,
            "county": COUNTY,
            "program": "rural-reward",
            "party": None,
            "investigators": [county.pk],
            "outflow_region": TOWNSHIP,
            "inflow_region": OTHER_TOWNSHIP,
            "certificate": certificate.pk,
        },
    }


def _resolve(schema_part):
    while "$ref" in schema_part:
        name = schema_part["$ref"].rsplit("/", 1)[1]
        schema_part = SCHEMA["components"]["schemas"][name]
    return schema_part


def _properties(method, path, operation) -> dict:
    """The body's declared properties (name → schema), or the fields an open body is read
    for."""
    content = operation.get("requestBody", {}).get("content", {})
    body = next(iter(content.values()), None)
    declared = _resolve(body["schema"]).get("properties", {}) if body else {}
    extra = OPEN_BODIES.get((method, path), [])
    return {**{name: _resolve(part) for name, part in declared.items()}, **dict.fromkeys(extra, {})}


def _plausible(name, part, values):
    """A value a caller could well send for a property: this walk varies one at a time."""
    if name in values:
        return values[name]
    if "enum" in part:
        return next((choice for choice in part["enum"] if choice), "")
    kind, fmt = part.get("type"), part.get("format")
    if fmt == "date" or name.endswith(("_on", "_from", "_since", "date", "day")):
        return "2026-11-20"
    if kind == "integer":
        return 1
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    if kind == "object":
        return {}
    return "测试"


def _transition_fields(path):
    """For a transitions path: each step of the resource with the fields of its form."""
    model = MODELS[path.split("/")[3]]
    return {name: list(step.form.base_fields) for name, step in steps_of(model).items()}


def _url(path, world, **replaced) -> str:
    """The path with each id filled in: ``replaced`` values as given, others existing."""
    resource = path.split("/")[3]
    ids = world["ids"]

    def value(match):
        name = match.group(1)
        if name in replaced:
            return str(replaced[name])
        if name in ("id", "code"):
            return str(ids[resource])
        if name == "name":
            return next(iter(steps_of(MODELS[resource])), "x")
        return str(ids[name])

    return re.sub(r"\{(\w+)\}", value, path)


class Walk:
    """Sends the requests and collects every answer that breaks the contract."""

    def __init__(self, officers):
        self.clients = {}
        for role, officer in officers.items():
            client = APIClient()
            client.force_authenticate(officer)
            self.clients[role] = client
        self.failures = []
        self.sent = 0

    def send(self, role, method, url, what, **kwargs):
        self.sent += 1
        client = self.clients[role]
        try:
            response = client.generic(method.upper(), url, **kwargs)
        except Exception as exc:  # noqa: BLE001 — the point is to report every failure
            self.failures.append(
                f"{role} {method.upper()} {url[:120]} [{what}]: raised {exc!r}"[:600]
            )
            return None
        problem = _contract_problem(response)
        if problem:
            self.failures.append(
                f"{role} {method.upper()} {url[:120]} [{what}]: {response.status_code} {problem}"
            )
        return response

    def json(self, role, method, url, what, body):
        raw = body if isinstance(body, str) else json.dumps(body)
        return self.send(role, method, url, what, data=raw, content_type="application/json")


def _contract_problem(response) -> str:
    """What is wrong with an answer: a 5xx, or a 4xx without the contract's error body in
    Chinese (file downloads answer other types, but never for an error)."""
    if response.status_code >= 500:
        return "server error"
    if response.status_code < 400:
        return ""
    if not response.get("Content-Type", "").startswith("application/json"):
        return f"not JSON: {response.get('Content-Type')}"
    try:
        body = json.loads(response.content)
        error = body["error"]
        assert set(error) == {"code", "message", "fields"}, error
        assert isinstance(error["code"], str) and error["code"], error
        assert isinstance(error["fields"], dict), error
        assert CJK.search(error["message"]), f"message not in Chinese: {error['message']!r}"
    except (ValueError, KeyError, TypeError, AssertionError) as exc:
        return f"not the error body: {exc!s:.300} {response.content[:200]!r}"
    return ""


def _values_postgresql_refuses() -> list[str]:
    """Rows holding what PostgreSQL would not have stored: text longer than its varchar,
    integers outside their column's range, decimals of more digits than the column."""
    found = []
    ranges = BaseDatabaseOperations.integer_field_ranges
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        conditions = Q()
        queryset = model._base_manager.all()
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField) and field.max_length:
                alias = f"_len_{field.attname}"
                queryset = queryset.alias(**{alias: Length(field.attname)})
                conditions |= Q(**{f"{alias}__gt": field.max_length})
            elif field.get_internal_type() in ranges:
                low, high = ranges[field.get_internal_type()]
                conditions |= Q(**{f"{field.attname}__lt": low})
                conditions |= Q(**{f"{field.attname}__gt": high})
            elif isinstance(field, models.DecimalField):
                limit = 10 ** (field.max_digits - field.decimal_places)
                conditions |= Q(**{f"{field.attname}__gte": limit})
                conditions |= Q(**{f"{field.attname}__lte": -limit})
        if conditions and queryset.filter(conditions).exists():
            found.append(model._meta.label)
    return found


def _walk_path_ids(walk, method, path, world):
    """Each id of the path in turn, as the village and the county officer."""
    for name in re.findall(r"\{(\w+)\}", path):
        for bad in PATH_IDS:
            if name == "name" and bad == LONG:
                continue
            url = _url(path, world, **{name: bad})
            for role in ("village", "county"):
                walk.json(role, method, url, f"{name}={bad[:12]!r}", {})


def _walk_query(walk, method, path, operation, world):
    """Each query parameter the schema declares (filters, paging), and ``q``, in turn, as the
    county officer (who reaches every list). A list gets every bad value; an operation on one
    object (which filters too, to find it) the few that ever failed a filter."""
    url = _url(path, world)
    params = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
    names = [*params, "q", "page", "page_size"] if "{" not in path else params
    values = BAD_QUERY if "{" not in path else [NUL, LONG, "9" * 30, "-1"]
    for name in dict.fromkeys(names):
        for bad in values:
            query = urlencode({name: bad})
            walk.send("county", method, f"{url}?{query}", f"?{name}={bad[:12]!r}")
    query = urlencode({"format": "xlsx", "q": NUL})
    walk.send("county", method, f"{url}?{query}", "?format=xlsx&q=NUL")


def _walk_bodies(walk, method, path, operation, world, roles):
    """Bodies that are not objects, as every role; then each property in turn with each bad
    value (and NUL in a multipart form), the others plausible."""
    if "{name}" in path:
        _walk_transitions(walk, method, path, world, roles)
        return
    url = _url(path, world)
    for role in roles:
        for body in BAD_BODIES:
            walk.json(role, method, url, f"body {body[:12]}", body)
    properties = _properties(method, path, operation)
    base = {name: _plausible(name, part, world["values"]) for name, part in properties.items()}
    reaching = [role for role in roles if _reaches(walk.json(role, method, url, "plausible", base))]
    # Each field in turn, as the first role whose plausible body got past the object's lookup
    # and the role checks (the others never read it), or as any role if none did: the fields
    # are read the same for every role that reads them.
    role = (reaching or roles)[0]
    for name in properties:
        for bad in BAD_VALUES:
            walk.json(role, method, url, f"{name}={bad!r:.12}", {**base, name: bad})
        form = {**_form(base), name: NUL}
        walk.send(role, method, url, f"multipart {name}=NUL", data=form)


def _form(body) -> dict:
    return {
        name: value if isinstance(value, str) else json.dumps(value)
        for name, value in body.items()
        if value is not None
    }


def _walk_transitions(walk, method, path, world, roles):
    """Each step of the resource: bodies that are not objects, and each field of its form
    in turn with each bad value, until the step has run once (what follows would test the
    moved object, and a step that issues a document takes a third of a second)."""
    ran = set()
    for number, (step, fields) in enumerate(_transition_fields(path).items()):
        url = _url(path, world, name=step)
        for role in roles:
            # Bodies that are not objects are refused before the step is looked at.
            for body in BAD_BODIES if number == 0 else []:
                walk.json(role, method, url, f"{step} body {body[:12]}", body)
            # The form is read only by a role that may take the step here (a form refuses
            # 100,000 characters in any field, so this probe never moves the object).
            probe = walk.json(role, method, url, f"{step} probe", {fields[0]: LONG})
            if step in ran or not _reaches(probe):
                continue
            for field in fields:
                for bad in BAD_VALUES:
                    body = {"opinion": "同意", field: bad}
                    answer = walk.json(role, method, url, f"{step} {field}={bad!r:.12}", body)
                    if answer is not None and answer.status_code < 300:
                        ran.add(step)
                        break
                if step in ran:
                    break


def _reaches(response) -> bool:
    """Whether the request got past the lookup of its object and the role checks."""
    return response is not None and response.status_code not in (403, 404, 405)


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS)
def test_bad_input_answers_4xx_in_the_error_shape(method, path, operation, world, officers):
    walk = Walk(officers)
    roles = list(officers)
    if "{" in path:
        _walk_path_ids(walk, method, path, world)
    if method == "get":
        _walk_query(walk, method, path, operation, world)
    else:
        _walk_bodies(walk, method, path, operation, world, roles)
    # GETs write too (the audit of who saw an informant, the log of public checks).
    refused = _values_postgresql_refuses()
    assert not refused, f"stored what PostgreSQL refuses, in {refused}"
    assert not walk.failures, "\n".join(walk.failures[:40]) + f"\n({len(walk.failures)} in all)"
    assert walk.sent


def test_every_operation_is_walked():
    """The walk reaches the operations the issue names (the schema lists them all)."""
    walked = {(param.values[0], param.values[1]) for param in OPERATIONS}
    assert ("post", "/api/v1/certificates/{id}/notices/{notice_id}/acknowledge/") in walked
    assert ("post", "/api/v1/change-requests/") in walked
    assert len(walked) > 80


@pytest.mark.django_db
def test_a_certificate_id_that_is_not_a_number_is_not_found(world, officers):
    api = APIClient()
    api.force_authenticate(officers["county"])
    notice = world["ids"]["notice_id"]
    response = api.post(
        f"/api/v1/certificates/abc/notices/{notice}/acknowledge/", {}, format="json"
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "42", "null"])
def test_a_change_request_body_that_is_not_an_object_is_invalid(body, world, officers):
    api = APIClient()
    api.force_authenticate(officers["village"])
    response = api.post("/api/v1/change-requests/", body, content_type="application/json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and CJK.search(error["message"])


@pytest.mark.django_db
def test_malformed_json_is_invalid_in_chinese(world, officers):
    api = APIClient()
    api.force_authenticate(officers["village"])
    response = api.post("/api/v1/persons/", "{not json", content_type="application/json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and CJK.search(error["message"])


@pytest.mark.django_db
def test_nul_in_a_filter_is_invalid_and_names_the_parameter(world, officers):
    api = APIClient()
    api.force_authenticate(officers["county"])
    response = api.get("/api/v1/persons/", {"q": NUL})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["q"]


@pytest.mark.django_db
def test_an_unknown_api_path_is_a_json_not_found(officers):
    api = APIClient()
    api.force_authenticate(officers["county"])
    response = api.get(f"/api/v1/jobs/{uuid.uuid4().hex}-not-a-uuid/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_every_api_view_checks_its_input():
    """The checks run in one place, a mixin; a view without it would let bad input through."""
    from django.urls import URLResolver, get_resolver

    from web.api.inputs import CheckedInputMixin

    def views(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from views(pattern.url_patterns)
            elif hasattr(pattern.callback, "cls"):
                yield pattern.callback.cls

    api = next(
        p for p in get_resolver().url_patterns if str(getattr(p, "pattern", "")) == "api/v1/"
    )
    unchecked = {
        view.__name__
        for view in views(api.url_patterns)
        if not issubclass(view, CheckedInputMixin)
        and not view.__module__.startswith(("drf_spectacular", "rest_framework"))
    }
    assert not unchecked


@pytest.mark.django_db
def test_a_name_with_a_control_character_still_exports(world, officers):
    """A control character is valid text in JSON and in the database but not in a workbook's
    XML: a name typed with one must not break the list's export."""
    from tests.casework.test_person_api import body

    api = APIClient()
    api.force_authenticate(officers["village"])
    created = api.post("/api/v1/persons/", body(name="赵\x01新"), format="json")
    assert created.status_code == 201, created.content
    exported = api.get("/api/v1/persons/", {"format": "xlsx"})
    assert exported.status_code == 200
    detail = api.get(f"/api/v1/persons/{created.json()['id']}/", {"format": "xlsx"})
    assert detail.status_code == 200
