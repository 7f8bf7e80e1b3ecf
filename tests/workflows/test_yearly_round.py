"""A county's whole yearly round (``workflows/yearly_round.py``, timed by ``make bench-round``)
on 30 applications in 3 villages: every application ends enrolled and paid, every notice, filed
form and letter the round produces exists and verifies, and the audit chain is intact."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType

from casework.models import (
    Application,
    ApplicationStatus,
    Payment,
    PaymentStatus,
    Posting,
    PostingStatus,
    Region,
)
from demo.scale import Size, generate
from documents import verification
from documents.kinds import DocumentKind
from documents.models import Document
from permissions.audit import verify_chain
from permissions.models import AuditEntry
from workflows.processes import open_tasks_by_application
from workflows.yearly_round import COUNTY, YearlyRound, county_office, round_officers

START = datetime.date(2026, 3, 2)


@pytest.fixture
def county(settings, signing, immediate_tasks):
    """A generated county of 3 villages with 30 visited applications, and its office."""
    settings.CASEWORK_TODAY = START.isoformat()
    settings.CASEWORK_INLINE_NOTICE_ROWS = 5  # some notices inline, the longer ones by a job
    generate(Size(villages=3, applications=30, cases=0, certificates=0, new_round=True))
    county = Region.objects.get(code=COUNTY)
    county_office(county)
    return county


def documents_verify(kind: str) -> list[Document]:
    found = list(Document.objects.filter(kind=kind))
    for document in found:
        with document.file.open("rb") as handle:
            verdict = verification.verify_pdf(handle.read())
        assert verdict.valid, (document.number, verdict.reason)
    return found


@pytest.mark.django_db
def test_the_whole_round_enrolls_every_application_with_its_documents(
    county, django_capture_on_commit_callbacks
):
    applications = Application.objects.filter(year=START.year)
    assert applications.count() == 30
    assert set(applications.values_list("status", flat=True)) == {ApplicationStatus.VISITED}

    stages = []
    with django_capture_on_commit_callbacks(execute=True):
        YearlyRound(county, round_officers(county), START, on_stage=stages.append).run()

    assert stages[0].name == "village appraisals" and stages[0].rows == 30
    assert set(applications.values_list("status", flat=True)) == {ApplicationStatus.ENROLLED}
    # Every process followed its application to its last task.
    tasks = open_tasks_by_application(list(applications.values_list("pk", flat=True)))
    assert {task.flow_task.name for task in tasks.values()} == {"enrolled"}
    assert len(tasks) == 30

    # Three postings per application (village, township, county), each closed with its notice.
    postings = Posting.objects.all()
    assert set(postings.values_list("level", flat=True)) == {"village", "township", "county"}
    assert not postings.exclude(status=PostingStatus.CLOSED).exists()
    notices = {int(n.subject_id): n for n in documents_verify(DocumentKind.POSTING_NOTICE)}
    assert set(notices) == set(postings.values_list("pk", flat=True))
    for posting in postings:
        assert len(notices[posting.pk].context["entries"]) == posting.entries.count()

    # The first payment: every recipient paid, with a signed letter each.
    paid = Payment.objects.filter(status=PaymentStatus.PAID)
    assert paid.count() == 30
    letters = documents_verify(DocumentKind.PAYMENT_LETTER)
    assert sorted(int(letter.subject_id) for letter in letters) == sorted(
        paid.values_list("pk", flat=True)
    )

    # Each application's 审批表, filed with the signature of every level the round worked (the
    # generated applications were visited before the round, without a signed visit).
    forms = documents_verify(DocumentKind.APPLICATION_FORM)
    assert sorted(int(form.subject_id) for form in forms) == sorted(
        applications.values_list("pk", flat=True)
    )
    assert {tuple(signer["step"] for signer in form.signers) for form in forms} == {
        ("民主评议", "乡镇审核", "县级复核", "县级审批", "市级备案")
    }

    # Each application's steps are in the audit log once each, and the chain holds.
    steps = AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(Application))
    for action in ("appraise", "pass_township_check", "county_recheck", "approve", "file"):
        assert steps.filter(action=action).count() == 30, action
    assert verify_chain().intact


@pytest.mark.django_db
def test_the_round_officers_cannot_log_in(county):
    officers = round_officers(county)

    accounts = [*officers.villages.values(), *officers.townships.values(), officers.city]
    accounts += [officers.inspector, officers.approver, officers.fund_manager, officers.disburser]
    assert len(accounts) == 3 + 1 + 5
    for officer in accounts:
        officer.refresh_from_db()
        assert not officer.has_usable_password(), officer.username
