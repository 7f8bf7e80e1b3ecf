"""A program added on its page, with no code, runs like any other: one application of it goes
from apply through the three postings, the county and the city to its first payment, paid
once (a one-time program is not paid again the next period)."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from casework.models import (
    Application,
    ApplicationStatus,
    Payment,
    PaymentStatus,
    Posting,
    Program,
)
from casework.models.applications import ALL_CHECKS
from permissions.audit import Actor
from tests.workflows.test_applications import MINUTES, person
from tests.workflows.test_chain_pages import close, status_of
from workflows import bank_files, payments
from workflows.transitions import perform

PROGRAM = {
    "code": "disabled-child-relief",
    "name": "独生子女伤残家庭一次性救助",
    "kind": "one_time",
    "posting_days": "7",
    "description": "县政府新增项目（测试）",
    "documents": ["application_form", "not_confirmed_notice", "payment_letter"],
    "payee_name": "",
    "payee_bank": "",
    "payee_account": "",
    "conditions": ["only_child_disabled", "further_children", "rural_hukou"],
    "number_pregnancy_ended_within": "3",
    "number_complication_grade": "3",
    "effective_from": "2026-01-01",
    "amount": "1500.00",
    "payment_cycle": "",
    "min_age": "",
    "min_mother_age": "",
}
FACTS = {
    "only_child_status": "disabled",
    "further_children": "0",
    "only_child_evidence": "残疾证、户口簿",
}
POSTING = {"program": PROGRAM["code"], "year": "2026", "days": "7", "contact_phone": "0797-521"}


def post(client, pk, starts_on, place):
    """Open a posting of the new program (the chain pages' helper posts the rural reward)."""
    response = client.post(
        reverse("posting-open"),
        {**POSTING, "selected": [pk], "starts_on": starts_on, "place": place},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return Posting.objects.latest("id")


@pytest.mark.django_db
def test_a_program_added_on_its_page_runs_from_apply_to_its_first_payment(
    client,
    settings,
    regions,
    offices,
    village_officer,
    township_reviewer,
    county_inspector,
    county_approver,
    city_filing_officer,
    disburser,
    fund_manager,
):
    settings.CASEWORK_TODAY = "2026-11-02"
    client.force_login(county_approver)
    response = client.post(reverse("program-add"), PROGRAM)
    assert response.status_code == 302, response.content.decode()[:2000]
    program = Program.objects.get(code=PROGRAM["code"])
    assert {c.condition for c in program.conditions.all()} == set(PROGRAM["conditions"])
    listed = client.get(reverse("program-list")).content.decode()
    assert "独生子女伤残家庭一次性救助" in listed and "1500.00" in listed

    mother = person(regions, datetime.date(1972, 3, 1), male=False)
    client.force_login(village_officer)
    client.post(
        reverse("application-create"),
        {"program": program.code, "year": "2026", "applicant_id_number": mother.id_number, **FACTS},
    )
    pk = Application.objects.get(program=program).pk
    detail = client.get(reverse("application-detail", args=[pk])).content.decode()
    # The visit asks for the facts of the program's conditions, not the rural reward's.
    assert 'name="only_child_status"' in detail and 'name="living_daughters"' not in detail
    visit = {
        "visited_on": "2026-11-02",
        "met_in_person": "on",
        "checklist": list(ALL_CHECKS),
        "opinion": "入户核实，残疾证属实",
        **FACTS,
    }
    client.post(reverse("step", args=["applications", pk, "record_visit"]), visit)
    assert status_of(pk) == ApplicationStatus.VISITED
    client.post(
        reverse("applications-appraise-page"),
        {
            "selected": [pk],
            "held_on": "2026-11-02",
            "attendees": "村两委成员、村民代表、老党员、同龄村民",
            "representatives": "12",
            "party_members": "5",
            "peers": "4",
            "minutes": MINUTES,
            "opinion": "agree",
        },
    )
    village = post(client, pk, "2026-11-02", "东风村村务公开栏")
    settings.CASEWORK_TODAY = "2026-11-09"
    close(client, village)

    client.force_login(township_reviewer)
    client.post(
        reverse("applications-bulk-page"),
        {"selected": [pk], "step": "township_check", "opinion": "同意上报"},
    )
    township = post(client, pk, "2026-11-09", "城关镇政务公开栏")
    settings.CASEWORK_TODAY = "2026-11-16"
    close(client, township)
    assert status_of(pk) == ApplicationStatus.AWAITING_COUNTY

    client.force_login(county_inspector)
    client.post(
        reverse("step", args=["applications", pk, "county_recheck"]),
        {**visit, "visited_on": "2026-11-16", "opinion": "县级复核属实"},
    )
    assert status_of(pk) == ApplicationStatus.RECHECKED

    client.force_login(county_approver)
    county = post(client, pk, "2026-11-16", "安和县政府公开栏")
    settings.CASEWORK_TODAY = "2026-11-23"
    close(client, county)
    client.post(
        reverse("applications-bulk-page"), {"selected": [pk], "step": "approve", "opinion": "同意"}
    )
    assert status_of(pk) == ApplicationStatus.APPROVED

    client.force_login(city_filing_officer)
    client.post(reverse("step", args=["applications", pk, "file"]), {"opinion": "备案"})
    application = Application.objects.get(pk=pk)
    assert application.status == ApplicationStatus.ENROLLED
    # One-time payments are gathered yearly: the first is next year's batch.
    assert application.paid_from == datetime.date(2027, 1, 1)

    payments.replace_bank_account(
        Actor(disburser), mother, "示范农村商业银行", "6217990000000000123"
    )
    settings.CASEWORK_TODAY = "2027-01-05"
    county_region = regions["360921000000"]
    batch = payments.build(
        Actor(disburser), program=program, county=county_region, day=datetime.date(2027, 1, 5)
    ).batch
    assert batch.payments.get().amount_fen == 150000
    batch = perform("approve", batch, Actor(fund_manager), {})
    _type, _name, chunks = bank_files.export(Actor(disburser), batch, "csv")
    rows = list(csv.reader(io.StringIO("".join(chunks).removeprefix("\ufeff"))))
    assert any("6217990000000000123" in row for row in rows)
    batch = perform("mark_sent", type(batch).objects.get(pk=batch.pk), Actor(disburser), {})
    bank_files.import_return(Actor(disburser), batch, bank_files.return_file_for(batch))

    paid = Payment.objects.get(application_id=pk)
    assert paid.status == PaymentStatus.PAID and paid.period_start == datetime.date(2027, 1, 1)
    # Paid once: next year's batch has nobody to pay.
    settings.CASEWORK_TODAY = "2028-01-05"
    later = payments.build(
        Actor(disburser), program=program, county=county_region, day=datetime.date(2028, 1, 5)
    )
    assert later.batch is None
