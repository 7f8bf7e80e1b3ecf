"""Every URL that names an object answers each demo role as the access policy says.

Generated from the URL configuration: every pattern of the pages, the API and the admin that
takes an object id must be declared below with the kind of object its id names. For every demo
role, an object inside the role's reach (``permissions.scoping``) must not be hidden (no 404,
no server error) and an object outside it must answer exactly as an id of nothing does (404;
403 only where the role is refused before any object is looked up). A new pattern without a
declaration fails the walk, so no view can be added without saying whose objects it shows.

The world is the demo county (`make demo`'s own loader, one household a village) plus, in a
county of another city, one object of every kind, and the kinds the demo lacks.
"""

import datetime
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Model, QuerySet
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from casework import clock, factories
from casework.models import (
    Application,
    CertificateAttachment,
    CertificateNotice,
    ChangeRequest,
    Comparison,
    ComparisonFinding,
    DataImport,
    DuplicateSuspect,
    EnforcementCase,
    Evidence,
    HouseholdVisit,
    Job,
    MigrantCertificate,
    MigrationAgreement,
    Objection,
    PaymentBatch,
    Person,
    Posting,
    PostingEntry,
    Program,
    Recovery,
    Region,
    VisitPhoto,
)
from demo.county import ACCOUNTS, load_demo
from demo.samples import sample_data
from documents import issuing
from documents.kinds import KINDS, DocumentKind
from documents.models import Document, IssuingOffice
from permissions.audit import Actor
from permissions.models import AuditEntry, Officer
from permissions.scoping import jobs_visible_to, region_of, visible_to
from workflows import regions
from workflows.transitions import steps_of

AWAY_CITY, AWAY_COUNTY = "361000000000", "361021000000"
AWAY_TOWNSHIP, AWAY_VILLAGE = "361021100000", "361021100201"
DEMO_VILLAGE = "360921100201"
NOTHING = 999_999_999


@dataclass(frozen=True)
class Target:
    """What a pattern's ids name: rows of ``model``, the URL's ids of one row, and the rows a
    user reaches under the policy."""

    model: type[Model]
    ids: Callable[[Model], dict]
    reach: Callable[[Officer], QuerySet]


def scoped(model, **more) -> Target:
    """Rows of a scoped model, named by their primary key (plus ``more`` ids of the row)."""
    return Target(
        model,
        lambda obj: {"pk": obj.pk, **{k: f(obj) for k, f in more.items()}},
        lambda user: visible_to(user, model),
    )


def through(model, parent: str, parent_model, ids) -> Target:
    """Rows of ``model`` seen exactly when their ``parent`` (a scoped model) is."""
    return Target(
        model,
        ids,
        lambda user: model.objects.filter(**{f"{parent}__in": visible_to(user, parent_model)}),
    )


def step_of(model):
    return lambda obj: next(iter(steps_of(model)))


APPLICATION = scoped(Application)
APPLICATION_STEP = scoped(Application, name=step_of(Application))
CHANGE = scoped(ChangeRequest)
POSTING = scoped(Posting)
OBJECTION = scoped(Objection)
BATCH = scoped(PaymentBatch)
RECOVERY = scoped(Recovery)
CASE = scoped(EnforcementCase)
CERTIFICATE = scoped(MigrantCertificate)
NOTICE = scoped(CertificateNotice)
DUPLICATE = scoped(DuplicateSuspect)
IMPORT = scoped(DataImport)
DOCUMENT = scoped(Document)
PERSON = scoped(Person)
JOB = Target(Job, lambda job: {"pk": job.pk}, jobs_visible_to)
PHOTO = through(
    VisitPhoto,
    "visit__application",
    Application,
    lambda photo: {"pk": photo.visit.application_id, "photo_id": photo.pk},
)
EVIDENCE = through(
    Evidence, "case", EnforcementCase, lambda item: {"pk": item.case_id, "evidence_id": item.pk}
)
ATTACHMENT = through(
    CertificateAttachment, "certificate", MigrantCertificate, lambda a: {"pk": a.pk}
)
# Acknowledging a notice names its certificate and the notice; the township it is addressed to
# may not reach the certificate itself, so the notice's own reach decides.
NOTICE_OF_CERTIFICATE = Target(
    CertificateNotice,
    lambda notice: {"pk": notice.certificate_id, "notice_id": notice.pk},
    lambda user: visible_to(user, CertificateNotice),
)

PROGRAM = Target(Program, lambda p: {"code": p.code}, lambda user: Program.objects.all())
COMPARISON = scoped(Comparison)
# Both townships of an agreement reach it (and its feedback, through it).
AGREEMENT = scoped(MigrationAgreement)


def _findings(user) -> QuerySet:
    """A comparison's findings are reached through the comparison: those the user sees, of a
    comparison the user sees."""
    return visible_to(user, ComparisonFinding).filter(comparison__in=visible_to(user, Comparison))


# The API names a finding by its comparison and its row in the file.
FINDING_BY_ROW = Target(
    ComparisonFinding,
    lambda finding: {"comparison_id": finding.comparison_id, "row": finding.row},
    _findings,
)

# Every pattern that takes an id, by name ("api " before the API's), and what the id names.
TARGETS: dict[str, Target] = {
    "officer-edit": scoped(Officer),
    # A region's records are changed only by the administrators of its jurisdiction.
    "region-edit": Target(Region, lambda region: {"code": region.code}, regions.editable_by),
    "document-detail": DOCUMENT,
    "document-pdf": DOCUMENT,
    "document-revoke": DOCUMENT,
    "document-reissue": DOCUMENT,
    "job-detail": JOB,
    "job-output": JOB,
    "person-detail": PERSON,
    "import-detail": IMPORT,
    "import-commit": IMPORT,
    "application-detail": APPLICATION,
    "step applications": APPLICATION_STEP,
    "change-create": APPLICATION,
    "change-detail": CHANGE,
    "step changes": scoped(ChangeRequest, name=step_of(ChangeRequest)),
    "change-file": CHANGE,
    "application-visit-photo": PHOTO,
    "batch-detail": BATCH,
    "step payments": scoped(PaymentBatch, name=step_of(PaymentBatch)),
    "batch-bank-file": BATCH,
    "batch-follow-up": BATCH,
    "batch-finding": BATCH,
    "recovery-repay": RECOVERY,
    "step recoveries": scoped(Recovery, name=step_of(Recovery)),
    "case-detail": CASE,
    "case-informant": CASE,
    "step cases": scoped(EnforcementCase, name=step_of(EnforcementCase)),
    "case-add-party": CASE,
    "case-add-evidence": CASE,
    "case-evidence-download": EVIDENCE,
    "case-add-action": CASE,
    "case-propose-measure": CASE,
    "posting-detail": POSTING,
    "step postings": scoped(Posting, name=step_of(Posting)),
    "objection-create": POSTING,
    "step objections": scoped(Objection, name=step_of(Objection)),
    "certificate-detail": CERTIFICATE,
    "certificate-edit": CERTIFICATE,
    "step certificates": scoped(MigrantCertificate, name=step_of(MigrantCertificate)),
    "certificate-feedback": CERTIFICATE,
    "certificate-attach": CERTIFICATE,
    "attachment-download": ATTACHMENT,
    "duplicate-detail": DUPLICATE,
    "step duplicates": scoped(DuplicateSuspect, name=step_of(DuplicateSuspect)),
    "step notices": scoped(CertificateNotice, name=step_of(CertificateNotice)),
    "api api-job": JOB,
    "api region-detail": Target(
        Region, lambda r: {"code": r.code}, lambda u: visible_to(u, Region)
    ),
    "api person-detail": PERSON,
    # Programs and their standards are public to every officer; changing them is a role's
    # right (403 to others), never a matter of jurisdiction.
    "program-edit": PROGRAM,
    "program-standard-add": PROGRAM,
    "api program-detail": PROGRAM,
    "api program-standards": PROGRAM,
    "api document-detail": DOCUMENT,
    "api document-pdf": DOCUMENT,
    "api application-detail": APPLICATION,
    "api application-documents": APPLICATION,
    "api application-transitions": APPLICATION_STEP,
    "api posting-detail": POSTING,
    "api posting-documents": POSTING,
    "api posting-transitions": scoped(Posting, name=step_of(Posting)),
    "api objection-detail": OBJECTION,
    "api objection-documents": OBJECTION,
    "api objection-transitions": scoped(Objection, name=step_of(Objection)),
    "api certificate-detail": CERTIFICATE,
    "api certificate-acknowledge-notice": NOTICE_OF_CERTIFICATE,
    "api certificate-attachments": CERTIFICATE,
    "api certificate-documents": CERTIFICATE,
    "api certificate-notices": CERTIFICATE,
    "api certificate-transitions": scoped(MigrantCertificate, name=step_of(MigrantCertificate)),
    "api notice-detail": NOTICE,
    "api notice-documents": NOTICE,
    "api notice-transitions": scoped(CertificateNotice, name=step_of(CertificateNotice)),
    "api payment-batch-detail": BATCH,
    "api payment-batch-bank-file": BATCH,
    "api payment-batch-bank-return": BATCH,
    "api payment-batch-documents": BATCH,
    "api payment-batch-findings": BATCH,
    "api payment-batch-follow-up": BATCH,
    "api payment-batch-payment-list": BATCH,
    "api payment-batch-transitions": scoped(PaymentBatch, name=step_of(PaymentBatch)),
    "api recovery-detail": RECOVERY,
    "api recovery-documents": RECOVERY,
    "api recovery-repayments": RECOVERY,
    "api recovery-transitions": scoped(Recovery, name=step_of(Recovery)),
    "api case-detail": CASE,
    "api case-chronology": CASE,
    "api case-dispositions": CASE,
    "api case-documents": CASE,
    "api case-evidence": CASE,
    "api case-evidence-file": EVIDENCE,
    "api case-informant": CASE,
    "api case-parties": CASE,
    "api case-suggested-fine": CASE,
    "api case-transitions": scoped(EnforcementCase, name=step_of(EnforcementCase)),
    "api change-request-detail": CHANGE,
    "api change-request-documents": CHANGE,
    "api change-request-transitions": scoped(ChangeRequest, name=step_of(ChangeRequest)),
    "api data-import-detail": IMPORT,
    "api data-import-commit": IMPORT,
    "comparison-detail": COMPARISON,
    "step findings": Target(
        ComparisonFinding,
        lambda finding: {"pk": finding.pk, "name": step_of(ComparisonFinding)(finding)},
        _findings,
    ),
    "api data-comparison-detail": COMPARISON,
    "api comparison-finding-list": Target(
        Comparison, lambda c: {"comparison_id": c.pk}, lambda user: visible_to(user, Comparison)
    ),
    "api comparison-finding-detail": FINDING_BY_ROW,
    "api comparison-finding-transitions": Target(
        ComparisonFinding,
        lambda f: {**FINDING_BY_ROW.ids(f), "name": step_of(ComparisonFinding)(f)},
        _findings,
    ),
    "agreement-detail": AGREEMENT,
    "agreement-feedback": AGREEMENT,
    "api migration-agreement-detail": AGREEMENT,
    "api migration-agreement-feedback": AGREEMENT,
}
# Public by design: a document's printed verification code (anyone may check a document).
PUBLIC = {"verify-code", "api api-verify-code"}
_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def patterns(resolver=None, prefix=""):
    """(key, route) of every pattern that takes an object id; format-suffix twins left out."""
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from patterns(pattern, route)
            continue
        assert isinstance(pattern, URLPattern)
        names = {a or b for a, b in _PARAMETER.findall(route)} - {"format"}
        if not names or "format" in route or route.startswith("^static") or "(?P<url>" in route:
            continue
        if route.startswith("admin/"):
            key = f"admin {pattern.name}"
        elif route.startswith("api/"):
            key = f"api {pattern.name}"
        elif "<slug:kind>" in route:
            # The one step page serves every kind of its table, each a pattern of its own here.
            from web.views.steps import STEP_PAGES

            for kind in STEP_PAGES:
                yield f"{pattern.name} {kind}", route.replace("<slug:kind>", kind)
            continue
        else:
            key = str(pattern.name)
        yield key, route


def fill(route: str, ids: dict) -> str:
    """The path of ``route`` with its parameters replaced by ``ids``."""
    path = _PARAMETER.sub(lambda m: str(ids[m.group(1) or m.group(2)]), route)
    return "/" + path.replace("^", "").replace("$", "").replace("/?", "/")


def nothing_like(ids: dict) -> dict:
    """The same ids, each naming nothing."""
    return {
        key: (
            "999999999999"
            if key == "code"
            else uuid.UUID(int=NOTHING)
            if isinstance(value, uuid.UUID)
            else NOTHING
            if isinstance(value, int)
            else value
        )
        for key, value in ids.items()
    }


def _place(village: Region, officer: Officer, office: IssuingOffice) -> None:
    """One object of every kind the walk needs, in ``village`` (built row by row: the steps
    that make them are tested on their own)."""
    township = Region.objects.get(pk=village.code[:9] + "000")
    county = Region.objects.get(pk=village.code[:6] + "000000")
    now, today = clock.now(), clock.today()
    application = factories.ApplicationFactory(
        applicant__region=village, region=village, created_by=officer
    )
    visit = HouseholdVisit.objects.create(
        application=application,
        level="village",
        visited_on=today,
        met_in_person=True,
        opinion="情况属实",
        officer=officer,
        signed_at=now,
    )
    VisitPhoto.objects.create(
        visit=visit,
        file=ContentFile(b"\xff\xd8photo", "p.jpg"),
        sha256="0" * 64,
        content_type="image/jpeg",
        size=7,
    )
    enrolled = factories.PaymentFactory(
        application__applicant__region=village,
        application__region=village,
        application__created_by=officer,
    )
    ChangeRequest.objects.create(
        application=enrolled.application,
        region=village,
        kind="death",
        effective_from=today,
        reason="死亡",
        after={"died_on": today.isoformat(), "paid_until": "2026-12-31"},
        requested_by=officer,
        requested_at=now,
        file=ContentFile(b"%PDF-1.4 change", "c.pdf"),
        content_type="application/pdf",
    )
    Recovery.objects.create(
        application=enrolled.application,
        false_since=datetime.date(2026, 1, 1),
        amount_due_fen=96000,
        created_by=officer,
        created_at=now,
    )
    posting = factories.PostingFactory(region=village, opened_by=officer)
    entry = PostingEntry.objects.create(posting=posting, application=application)
    Objection.objects.create(
        entry=entry,
        channel="phone",
        content="异议",
        received_on=today,
        recorded_by=officer,
        recorded_at=now,
    )
    case = factories.EnforcementCaseFactory(region=township, recorded_by=officer)
    Evidence.objects.create(
        case=case,
        kind="document",
        description="笔录",
        collected_by=officer,
        collected_on=today,
        recorded_at=now,
        file=ContentFile(b"%PDF-1.4 evidence", "e.pdf"),
        sha256="1" * 64,
        size=17,
    )
    certificate = factories.MigrantCertificateFactory(person__region=village, created_by=officer)
    CertificateAttachment.objects.create(
        certificate=certificate,
        description="结婚证",
        file=ContentFile(b"%PDF-1.4", "a.pdf"),
        content_type="application/pdf",
        size=8,
        sha256="2" * 64,
        uploaded_by=officer,
        uploaded_at=now,
    )
    CertificateNotice.objects.create(
        certificate=certificate,
        kind="feedback",
        from_region=township,
        to_region=township,
        message="反馈",
        sent_by=officer,
        sent_at=now,
    )
    DataImport.objects.create(
        kind="persons",
        file=ContentFile(b"a,b\n", "i.csv"),
        file_name="i.csv",
        sha256="3" * 64,
        region=village,
        imported_by=officer,
    )
    other = factories.ApplicationFactory(
        applicant__region=village, region=village, created_by=officer
    )
    DuplicateSuspect.objects.create(
        person_a=application.applicant,
        person_b=other.applicant,
        application_a=application,
        application_b=other,
        found_at=now,
    )
    subjects = {
        "casework.Application": application,
        "casework.Posting": posting,
        "casework.Payment": enrolled,
        "casework.MigrantCertificate": certificate,
        "casework.EnforcementCase": case,
    }
    for kind, spec in KINDS.items():
        issuing.issue(
            issuing.IssueRequest(
                kind=kind,
                office=office,
                region=county
                if spec.aggregate
                else Region.objects.get(pk=region_of(subjects[spec.subject])),
                title=str(DocumentKind(kind).label),
                data=sample_data(kind, rows=2),
                subject=None if spec.aggregate else subjects[spec.subject],
            ),
            Actor(officer),
        )
    assert PaymentBatch.objects.filter(region=county).exists()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo county and a county of another city, kept for the module and rolled back."""
    from django.conf import settings

    names = ("DEBUG", "CASEWORK_SIGNING_KEY_DIR", "CASEWORK_SIGNING_PASSPHRASE", "MEDIA_ROOT")
    saved = {name: getattr(settings, name) for name in names}
    settings.DEBUG = True  # the demo makes its own signing keys only in DEBUG
    settings.CASEWORK_SIGNING_KEY_DIR = tmp_path_factory.mktemp("keys")
    settings.CASEWORK_SIGNING_PASSPHRASE = "test-keys"
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo(households_per_village=1)
        officers = {
            o.username: o for o in Officer.objects.filter(username__in=[a[0] for a in ACCOUNTS])
        }
        office = IssuingOffice.objects.get(region_id="360921000000")
        for code, name in (
            (AWAY_CITY, "远方市"),
            (AWAY_COUNTY, "远方县"),
            (AWAY_TOWNSHIP, "远方镇"),
            (AWAY_VILLAGE, "远方村"),
        ):
            factories.RegionFactory(code=code, name=name)
        _place(Region.objects.get(pk=DEMO_VILLAGE), officers["village_officer"], office)
        _place(Region.objects.get(pk=AWAY_VILLAGE), officers["admin"], office)
        yield officers, settings.MEDIA_ROOT, settings.CASEWORK_SIGNING_KEY_DIR
        transaction.set_rollback(True)
    for name, value in saved.items():
        setattr(settings, name, value)


def test_every_pattern_that_takes_an_id_has_a_declared_target():
    undeclared = [
        (key, route)
        for key, route in patterns()
        if key not in TARGETS and key not in PUBLIC and not key.startswith("admin ")
    ]
    assert undeclared == [], "Declare what these patterns' ids name (TARGETS above)."
    known = {key for key, _route in patterns()}
    assert set(TARGETS) <= known, "A declared pattern no longer exists."


def _changes() -> int:
    """How many audited changes there are: every change of state writes one. Showing who
    reported a clue is audited too, as a reading, not a change."""
    return AuditEntry.objects.exclude(action="view_informant").count()


def _answer(client, path: str) -> int:
    """GET the path, or POST where only POST is allowed; nothing it does is kept. A GET must
    change nothing."""
    with transaction.atomic():
        before = _changes()
        status = client.get(path).status_code
        assert _changes() == before, f"GET {path} changed state"
        if status == 405:
            status = client.post(path, {}).status_code
        transaction.set_rollback(True)
    return status


@pytest.mark.django_db
def test_each_role_reaches_exactly_what_the_policy_says(world, settings):
    officers, settings.MEDIA_ROOT, settings.CASEWORK_SIGNING_KEY_DIR = world
    wrong, tried = [], 0
    for username, officer in officers.items():
        page, api = Client(), APIClient()
        page.force_login(officer)
        api.force_authenticate(officer)
        for key, route in patterns():
            if key in PUBLIC:
                continue
            client = api if key.startswith("api ") else page
            if key.startswith("admin "):
                # The admin is the technical operators' (superusers') alone.
                ids = {name: 1 for name in {a or b for a, b in _PARAMETER.findall(route)}}
                status = _answer(client, fill(route, ids))
                if status not in (302, 404):
                    wrong.append((username, key, "admin", status))
                continue
            target = TARGETS[key]
            reach = target.reach(officer).values("pk")
            rows = target.model._default_manager.all()
            inside = rows.filter(pk__in=reach).order_by("pk").first()
            outside = rows.exclude(pk__in=reach).order_by("pk").first()
            if inside is not None:
                tried += 1
                status = _answer(client, fill(route, target.ids(inside)))
                if status == 404 or status >= 500:
                    wrong.append((username, key, "inside", status))
            if outside is not None:
                tried += 1
                ids = target.ids(outside)
                status = _answer(client, fill(route, ids))
                if status != 404 and status != _answer(client, fill(route, nothing_like(ids))):
                    wrong.append((username, key, "outside", status))
    assert wrong == [], "\n".join(map(str, wrong))
    assert tried > 1000


CASE_PAPERS = [
    kind
    for kind, spec in KINDS.items()
    if spec.subject == "casework.EnforcementCase" and not spec.aggregate
]


@pytest.mark.django_db
def test_no_role_lists_or_downloads_the_papers_of_a_case_it_cannot_see(world, settings):
    officers, settings.MEDIA_ROOT, settings.CASEWORK_SIGNING_KEY_DIR = world
    papers = Document.objects.filter(kind__in=CASE_PAPERS, subject_type__isnull=False)
    assert papers.count() > 20
    for username, officer in officers.items():
        api = APIClient()
        api.force_authenticate(officer)
        listed = api.get("/api/v1/documents/", {"page_size": 200}).json()["results"]
        cases = set(visible_to(officer, EnforcementCase).values_list("pk", flat=True))
        for row in listed:
            if row["kind"] in CASE_PAPERS and not officer.is_superuser:
                paper = papers.get(pk=row["id"])
                assert int(paper.subject_id) in cases, (username, paper.number)
        for paper in papers.exclude(subject_id__in=[str(pk) for pk in cases])[:5]:
            assert api.get(f"/api/v1/documents/{paper.pk}/pdf/").status_code == 404, username
        if username in ("fund_manager", "disburser", "county_approver", "city_officer"):
            assert not cases and not any(row["kind"] in CASE_PAPERS for row in listed)


def unnamed_patterns(resolver=None, prefix=""):
    """The route of every pattern of ours that takes no parameter (lists, reports, forms)."""
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from unnamed_patterns(pattern, route)
        elif not _PARAMETER.search(route) and not route.startswith(("admin/", "^static")):
            yield route


@pytest.mark.django_db
def test_no_get_of_a_list_report_or_form_changes_state(world, settings):
    officers, settings.MEDIA_ROOT, settings.CASEWORK_SIGNING_KEY_DIR = world
    routes = sorted(set(unnamed_patterns()))
    assert len(routes) > 40
    for officer in officers.values():
        page, api = Client(), APIClient()
        page.force_login(officer)
        api.force_authenticate(officer)
        for route in routes:
            client = api if route.startswith("api/") else page
            assert _answer(client, fill(route, {})) < 500, (officer.username, route)
