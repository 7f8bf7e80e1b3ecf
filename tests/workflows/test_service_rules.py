"""Rules that live in the services, so the page and the API refuse alike: who may be named as
a spouse, separation of duties when a posting is opened, the region a signed enforcement report
is filed under, and a bank file downloaded by GET without changing anything."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from casework.factories import ApplicationFactory
from casework.models import Application, ApplicationStatus, PaymentBatch, Posting, Program
from documents import keys
from documents.models import Document, IssuingOffice
from permissions import audit
from permissions.audit import Actor
from permissions.models import AuditEntry
from permissions.roles import Role
from tests.conftest import CITY, COUNTY, OTHER_VILLAGE, TOWNSHIP, VILLAGE
from tests.document_fixtures import PASSPHRASE
from tests.workflows.test_application_pages import FORM
from tests.workflows.test_applications import DECLARED, person
from tests.workflows.test_payments import build
from workflows import applications, postings
from workflows.transitions import perform

FACTS = {
    "living_children": {"value": 1, "evidence": "户口簿"},
    "births_outside_policy": {"value": 0, "evidence": "生育情况证明"},
}


def create(api, applicant, **extra):
    body = {"program": "rural-reward", "year": 2026, "applicant": applicant.pk, "facts": FACTS}
    return api.post("/api/v1/applications/", {**body, **extra}, format="json")


def nothing_recorded():
    return not Application.objects.exists() and not Document.objects.exists()


# The spouse named on an application.


@pytest.fixture
def husband(regions):
    return person(regions, datetime.date(1962, 3, 1), male=True)


@pytest.mark.django_db
def test_an_invisible_spouse_is_refused_through_the_api_like_a_missing_one(
    login_api, village_officer, offices, regions, husband
):
    api = login_api(village_officer)
    elsewhere = person(regions, datetime.date(1963, 5, 1), village=OTHER_VILLAGE, male=False)

    refused = create(api, husband, spouse=elsewhere.pk)

    assert refused.status_code == 400, refused.json()
    assert "spouse" in refused.json()["error"]["fields"]
    assert elsewhere.name not in refused.content.decode()
    assert nothing_recorded()
    missing = create(api, husband, spouse=elsewhere.pk + 1000)
    assert missing.json() == refused.json()


@pytest.mark.django_db
def test_apply_refuses_a_spouse_outside_the_officers_reach(village_officer, offices, regions):
    applicant = person(regions, datetime.date(1962, 3, 1), male=True)
    elsewhere = person(regions, datetime.date(1963, 5, 1), village=OTHER_VILLAGE, male=False)
    application = Application(
        program=Program.objects.get(code="rural-reward"),
        year=2026,
        applicant=applicant,
        spouse=elsewhere,
    )
    with pytest.raises(ValidationError) as refusal:
        applications.apply(Actor(village_officer), application, DECLARED)
    assert list(refusal.value.message_dict) == ["spouse"]
    assert nothing_recorded()


@pytest.mark.django_db
def test_a_spouse_of_the_applicants_own_sex_is_refused_on_the_api_and_the_page(
    login_api, client, village_officer, offices, regions, husband
):
    same_sex = person(regions, datetime.date(1963, 5, 1), male=True)

    refused = create(login_api(village_officer), husband, spouse=same_sex.pk)
    assert refused.status_code == 400, refused.json()
    assert "spouse" in refused.json()["error"]["fields"]

    client.force_login(village_officer)
    page = client.post(
        reverse("application-create"),
        {
            **FORM,
            "applicant_id_number": husband.id_number,
            "spouse_id_number": same_sex.id_number,
        },
    )
    assert page.status_code == 200
    assert "配偶：" in page.content.decode()
    assert nothing_recorded()


@pytest.mark.django_db
def test_the_applicant_cannot_be_their_own_spouse_on_the_api_or_the_page(
    login_api, client, village_officer, offices, husband
):
    refused = create(login_api(village_officer), husband, spouse=husband.pk)
    assert refused.status_code == 400 and "spouse" in refused.json()["error"]["fields"]

    client.force_login(village_officer)
    page = client.post(
        reverse("application-create"),
        {
            **FORM,
            "applicant_id_number": husband.id_number,
            "spouse_id_number": husband.id_number,
        },
    )
    assert page.status_code == 200 and "配偶" in page.content.decode()
    assert nothing_recorded()


@pytest.mark.django_db
def test_a_visible_spouse_of_the_other_sex_is_accepted(
    login_api, village_officer, offices, regions, husband
):
    wife = person(regions, datetime.date(1964, 7, 1), male=False)
    created = create(login_api(village_officer), husband, spouse=wife.pk)
    assert created.status_code == 201, created.json()
    application = Application.objects.get(pk=created.json()["id"])
    assert application.spouse == wife
    form = Document.objects.for_subject(application).get()
    assert form.context["spouse"]["name"] == wife.name


# Opening a posting signs its level.


def _signed(application, officer, action):
    with transaction.atomic():
        audit.record(Actor(officer), action, application)


# Each level's posting, who opens it, where, what it takes, and a step of another level.
POSTING_LEVELS = [
    ("village", Role.VILLAGE_OFFICER, VILLAGE, ApplicationStatus.APPRAISED, "pass_township_check"),
    ("township", Role.TOWNSHIP_REVIEWER, TOWNSHIP, ApplicationStatus.TOWNSHIP_CHECKED, "appraise"),
    ("county", Role.COUNTY_APPROVER, COUNTY, ApplicationStatus.RECHECKED, "county_recheck"),
]


def _open(officer, level, region, ids):
    return postings.open_posting(
        Actor(officer),
        level=level,
        program=Program.objects.get(code="rural-reward"),
        year=2026,
        region=region,
        starts_on=datetime.date(2026, 11, 20),
        days=7,
        place="公开栏",
        contact_phone="0797-5210001",
        application_ids=ids,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("level, role, code, ready, other_step", POSTING_LEVELS)
def test_an_officer_who_signed_another_level_may_not_post_the_application(
    regions, make_officer, offices, level, role, code, ready, other_step
):
    officer = make_officer(role, code)
    application = ApplicationFactory(
        applicant__region=regions[VILLAGE], status=ready, created_by=officer
    )
    _signed(application, officer, other_step)

    opened = _open(officer, level, regions[code], [application.pk])

    assert opened.posting is None and not opened.results[0].done
    assert "须由其他工作人员签署" in opened.results[0].message
    assert not Posting.objects.exists()
    assert Application.objects.get(pk=application.pk).status == ready
    assert not AuditEntry.objects.filter(action__startswith="post_in").exists()


@pytest.mark.django_db
def test_the_county_posting_leaves_out_what_its_opener_rechecked(regions, make_officer, offices):
    both = make_officer(Role.COUNTY_INSPECTOR, COUNTY)
    both.groups.add(*make_officer(Role.COUNTY_APPROVER, COUNTY).groups.all())
    both = type(both).objects.get(pk=both.pk)
    rechecked, other = ApplicationFactory.create_batch(
        2, applicant__region=regions[VILLAGE], status=ApplicationStatus.RECHECKED, created_by=both
    )
    _signed(rechecked, both, "county_recheck")

    opened = _open(both, "county", regions[COUNTY], [rechecked.pk, other.pk])

    assert [row.done for row in opened.results] == [False, True]
    assert list(opened.posting.entries.values_list("application", flat=True)) == [other.pk]
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert statuses == {rechecked.pk: "rechecked", other.pk: "county_posted"}


# The region a signed enforcement report is filed under.


@pytest.fixture
def city_office(offices, signing, regions):
    keys.make_office_key(signing, "city-wjw", "示范市卫生健康委员会", PASSPHRASE)
    return IssuingOffice.objects.create(
        code="city-wjw",
        name="示范市卫生健康委员会",
        number_prefix="示范市卫健",
        region=regions[CITY],
        phone="0797-5210000",
    )


@pytest.fixture
def county_case_approver(make_officer):
    return make_officer(Role.CASE_APPROVER, COUNTY)


@pytest.mark.django_db
def test_a_county_approver_cannot_file_the_statistics_under_the_city(
    county_case_approver, city_office, login_api, client
):
    api = login_api(county_case_approver)
    refused = api.post(
        "/api/v1/reports/enforcement/pdf/", {"year": 2026, "region": CITY}, format="json"
    )
    assert refused.status_code == 400, refused.json()
    assert "region" in refused.json()["error"]["fields"]

    client.force_login(county_case_approver)
    page = client.post(reverse("enforcement-report"), {"year": 2026, "region": CITY})
    assert page.status_code == 400
    assert "区域：" in page.content.decode()
    assert not Document.objects.exists()

    issued = api.post(
        "/api/v1/reports/enforcement/pdf/", {"year": 2026, "region": COUNTY}, format="json"
    )
    assert issued.status_code == 201, issued.json()


# The bank file: recorded by POST, downloaded by GET.


@pytest.fixture
def approved_batch(recipient, disburser, fund_manager, regions, offices):
    for _ in range(2):
        recipient()
    batch = build(disburser, regions[COUNTY]).batch
    return perform("approve", batch, Actor(fund_manager), {})


def _exports():
    return AuditEntry.objects.filter(action="export").count()


def _content(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


@pytest.mark.django_db
def test_getting_the_bank_file_through_the_api_changes_nothing(
    approved_batch, disburser, login_api
):
    api = login_api(disburser)
    url = f"/api/v1/payment-batches/{approved_batch.pk}/bank-file/"

    before_export = api.get(url)
    assert before_export.status_code == 400
    assert PaymentBatch.objects.get().status == "approved" and _exports() == 0

    exported = api.post(url, {"kind": "csv"}, format="json")
    assert exported.status_code == 200 and _content(exported).count("\n") == 4
    assert PaymentBatch.objects.get().status == "exported" and _exports() == 1

    again = api.get(url)
    assert again.status_code == 200 and "attachment" in again["Content-Disposition"]
    assert _content(again).splitlines()[-1].startswith("合计,2,")
    assert api.get(f"{url}?kind=xlsx")["Content-Type"].startswith("application/vnd.openxml")
    assert PaymentBatch.objects.get().status == "exported" and _exports() == 1


@pytest.mark.django_db
def test_getting_the_bank_file_on_the_page_changes_nothing(approved_batch, disburser, client):
    client.force_login(disburser)
    url = reverse("batch-bank-file", args=[approved_batch.pk])

    client.get(url)
    assert PaymentBatch.objects.get().status == "approved" and _exports() == 0

    client.post(url, {"kind": "csv"})
    assert PaymentBatch.objects.get().status == "exported" and _exports() == 1
    perform("mark_sent", PaymentBatch.objects.get(), Actor(disburser), {})

    again = client.get(url, {"kind": "csv"})
    assert again.status_code == 200 and _content(again).count("\n") == 4
    assert PaymentBatch.objects.get().status == "sent" and _exports() == 1
    page = client.get(reverse("batch-detail", args=[approved_batch.pk])).content.decode()
    assert f'href="{url}?kind=csv"' in page
