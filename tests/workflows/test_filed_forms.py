"""The 审批表 issued again when the city files an application: its 审批栏 signed by every level
as the audit log records them, issued in the background, and offered from the bulk filing."""

import pytest
from django.db import transaction
from django.urls import reverse

from casework.factories import ApplicationFactory
from casework.models import ApplicationStatus, Job, JobStatus, Program
from documents import verification
from documents.kinds import DocumentKind
from documents.models import Document, DocumentStatus
from permissions import audit
from permissions.audit import Actor
from tests.conftest import VILLAGE
from tests.documents.test_issuing import text_of
from workflows import bulk, filed_forms
from workflows.applications import FILED_FORM_TITLE

S = ApplicationStatus
LEVELS = ["申报登记", "村级入户核实", "民主评议", "乡镇审核", "县级复核", "县级审批", "市级备案"]


@pytest.fixture
def approved(regions, village_officer, township_reviewer, county_inspector, county_approver):
    """An approved application whose every level was signed, the township check twice (the
    application came back to it once)."""

    def make(**values):
        application = ApplicationFactory(
            applicant__region=regions[VILLAGE],
            status=S.APPROVED,
            created_by=village_officer,
            **values,
        )
        signatures = [
            (village_officer, "submit", ""),
            (village_officer, "record_visit", "入户核实，情况属实"),
            (village_officer, "appraise", "村民代表一致同意"),
            (township_reviewer, "pass_township_check", "材料不全"),
            (township_reviewer, "pass_township_check", "补齐材料，同意上报"),
            (county_inspector, "county_recheck", "复核属实"),
            (county_approver, "approve", "同意纳入"),
        ]
        with transaction.atomic():
            for officer, action, opinion in signatures:
                audit.record(Actor(officer), action, application, opinion=opinion)
        return application

    return make


@pytest.fixture
def waiting(regions, village_officer):
    return ApplicationFactory(
        applicant__region=regions[VILLAGE], status=S.AWAITING_APPROVAL, created_by=village_officer
    )


def filed_form_documents():
    return Document.objects.filter(kind=DocumentKind.APPLICATION_FORM, title=FILED_FORM_TITLE)


@pytest.mark.django_db
def test_filing_issues_each_filed_application_its_form_signed_by_every_level(
    approved,
    waiting,
    township_reviewer,
    county_approver,
    city_filing_officer,
    offices,
    immediate_tasks,
    django_capture_on_commit_callbacks,
):
    monthly = Program.objects.get(code="special-deceased")
    first, second = approved(), approved(program=monthly)
    ids = [first.pk, waiting.pk, second.pk]

    with django_capture_on_commit_callbacks(execute=True):
        run = bulk.run_bulk(Actor(city_filing_officer), "file", ids, {"opinion": "准予备案"})

    assert [row.done for row in run.results] == [True, False, True]
    job = Job.objects.get(pk=run.job.pk)
    assert job.status == JobStatus.DONE and job.started_by == city_filing_officer
    assert (job.total, job.done, job.result["refused"]) == (2, 2, [])
    forms = {int(form.subject_id): form for form in filed_form_documents()}
    assert set(forms) == {first.pk, second.pk}  # none for the row that was refused
    form = forms[first.pk]
    assert [signer["step"] for signer in form.signers] == LEVELS
    by_step = {signer["step"]: signer for signer in form.signers}
    assert by_step["乡镇审核"]["opinion"] == "补齐材料，同意上报"  # the later signature
    assert by_step["乡镇审核"]["name"] == str(township_reviewer)
    assert by_step["县级审批"]["name"] == str(county_approver)
    assert by_step["市级备案"] == {
        "step": "市级备案",
        "name": str(city_filing_officer),
        "signed_on": "2026年11月24日",
        "opinion": "准予备案",
    }
    assert form.office == offices["county-wjw"] and form.status == DocumentStatus.VALID
    assert job.result["numbers"] == [forms[first.pk].number, forms[second.pk].number]
    with form.file.open("rb") as handle:
        data = handle.read()
    assert verification.verify_pdf(data).valid
    text = text_of(data)
    assert first.applicant.name in text
    for opinion in ("入户核实，情况属实", "补齐材料，同意上报", "复核属实", "同意纳入", "准予备案"):
        assert opinion in text
    assert "材料不全" not in text
    assert "每人每年960.00元" in text and "每月" not in text  # a yearly standard only
    with forms[second.pk].file.open("rb") as handle:
        monthly_text = text_of(handle.read())
    assert "每人每月" in monthly_text and "每年" not in monthly_text


@pytest.mark.django_db
def test_filing_nothing_queues_no_forms(waiting, city_filing_officer, offices):
    run = bulk.run_bulk(Actor(city_filing_officer), "file", [waiting.pk], {})
    assert not run.results[0].done
    assert run.job is None and not Job.objects.exists()


@pytest.mark.django_db
def test_a_filing_refused_as_a_whole_leaves_no_job(
    approved, city_filing_officer, offices, monkeypatch
):
    application = approved()

    def refuse(*args, **kwargs):
        raise RuntimeError("queue down")

    monkeypatch.setattr(filed_forms.jobs, "start_job", refuse)
    with pytest.raises(RuntimeError):
        bulk.run_bulk(Actor(city_filing_officer), "file", [application.pk], {})
    application.refresh_from_db()
    assert application.status == S.APPROVED and application.filing is None
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_the_forms_are_read_with_the_same_statements_for_two_or_twenty(
    approved, offices, django_assert_max_num_queries
):
    few = [approved().pk for _ in range(2)]
    many = [approved().pk for _ in range(20)]
    with django_assert_max_num_queries(10) as counted:
        filed_forms.form_requests(few)
    with django_assert_max_num_queries(len(counted)):
        requests = filed_forms.form_requests(many)
    assert [request.subject.pk for request in requests] == many


@pytest.mark.django_db
def test_the_bulk_filing_page_links_the_forms_job(
    approved, client, city_filing_officer, offices, immediate_tasks
):
    application = approved()
    client.force_login(city_filing_officer)
    response = client.post(
        reverse("applications-bulk-page"),
        {"step": "file", "selected": [application.pk], "opinion": "准予备案"},
        follow=True,
    )
    job = Job.objects.get()
    assert response.status_code == 200
    assert reverse("job-detail", args=[job.pk]) in response.content.decode()
    assert "审批表" in response.content.decode()


@pytest.mark.django_db
def test_the_bulk_api_answers_the_forms_job(approved, login_api, city_filing_officer, offices):
    application = approved()
    response = login_api(city_filing_officer).post(
        "/api/v1/applications/bulk/",
        {"transition": "file", "applications": [application.pk], "opinion": "准予备案"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["job"] == str(Job.objects.get().pk)
    assert response.json()["results"][0]["done"] is True
