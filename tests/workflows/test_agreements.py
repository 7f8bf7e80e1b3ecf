"""Two-way agreements between an outflow and an inflow township: recorded by either side; the
women covered (married, 15 to 49, registered in one township, living in the other, holding an
issued certificate); the schedule of periods and its due days; the inflow side's reports, one
per woman and period; what is overdue on both sides; the refusals."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from casework.factories import MigrantCertificateFactory, PersonFactory
from casework.models import CertificateStatus, MigrantFeedback, MigrationAgreement
from permissions.audit import Actor
from permissions.scoping import visible_to
from tests.conftest import OTHER_TOWNSHIP, OTHER_TOWNSHIP_VILLAGE, TOWNSHIP, VILLAGE
from workflows import agreements

D = datetime.date


@pytest.fixture
def outflow_officer(make_officer):
    return make_officer("migrant_service_officer", TOWNSHIP)


@pytest.fixture
def inflow_officer(make_officer):
    return make_officer("migrant_service_officer", OTHER_TOWNSHIP)


def terms(**changed):
    values = {
        "number": "双向协议2026-001",
        "outflow_region_id": TOWNSHIP,
        "inflow_region_id": OTHER_TOWNSHIP,
        "signed_on": D(2026, 1, 5),
        "valid_from": D(2026, 1, 10),
        "valid_until": D(2028, 12, 31),
        "feedback_months": 3,
        "feedback_days": 10,
        "outflow_signatory": "城关镇计生办",
        "inflow_signatory": "石桥乡计生办",
    }
    return {**values, **changed}


BORN = D(1990, 4, 1)


def woman(regions, born=BORN, *, married=True, status=CertificateStatus.ISSUED, **kw):
    person = PersonFactory(region=regions[VILLAGE], male=False, birth_date=born)
    return MigrantCertificateFactory(
        person=person,
        holder_birth_date=person.birth_date,
        residence_region=regions[kw.pop("living_in", OTHER_TOWNSHIP_VILLAGE)],
        marital_status="married" if married else "unmarried",
        status=status,
        valid_from=D(2025, 6, 1),
        valid_until=D(2028, 5, 31),
        **kw,
    )


@pytest.fixture
def agreement(regions, outflow_officer):
    return agreements.sign_agreement(Actor(outflow_officer), **terms())


@pytest.mark.django_db
def test_either_side_records_the_agreement_and_both_see_it(
    regions, agreement, inflow_officer, outflow_officer, make_officer
):
    assert agreement.status == "in_force"
    assert visible_to(inflow_officer, MigrationAgreement).get() == agreement
    assert visible_to(outflow_officer, MigrationAgreement).get() == agreement
    third = make_officer("migrant_service_officer", TOWNSHIP)
    assert visible_to(make_officer("village_officer", VILLAGE), MigrationAgreement).count() == 0
    assert visible_to(third, MigrationAgreement).count() == 1


@pytest.mark.django_db
def test_the_refusals_of_recording(regions, agreement, outflow_officer, make_officer):
    actor = Actor(outflow_officer)
    with pytest.raises(ValidationError, match="valid_from"):
        agreements.sign_agreement(actor, **terms(number="另一份", valid_from=D(2027, 1, 1)))
    with pytest.raises(ValidationError):
        agreements.sign_agreement(actor, **terms(number="同一镇", inflow_region_id=TOWNSHIP))
    with pytest.raises(ValidationError):
        agreements.sign_agreement(
            actor, **terms(number="倒序", valid_from=D(2029, 1, 1), valid_until=D(2028, 1, 1))
        )
    with pytest.raises(ValidationError):
        agreements.sign_agreement(
            actor, **terms(number="村级", inflow_region_id=OTHER_TOWNSHIP_VILLAGE)
        )
    with pytest.raises(PermissionDenied):
        agreements.sign_agreement(
            Actor(make_officer("village_officer", VILLAGE)), **terms(number="无权")
        )
    assert MigrationAgreement.objects.count() == 1


@pytest.mark.django_db
def test_the_schedule_and_the_women_covered(regions, agreement):
    covered = woman(regions)
    woman(regions, married=False)
    woman(regions, born=D(1970, 1, 1))  # 56: past childbearing age
    woman(regions, living_in=VILLAGE)  # has not left the outflow township
    woman(regions, status=CertificateStatus.REVOKED)

    periods = agreements.periods(agreement, D(2026, 11, 24))
    assert [(p.start, p.end, p.due_on) for p in periods[:2]] == [
        (D(2026, 1, 1), D(2026, 3, 31), D(2026, 4, 10)),
        (D(2026, 4, 1), D(2026, 6, 30), D(2026, 7, 10)),
    ]
    assert periods[-1].start == D(2026, 10, 1)
    assert list(agreements.covered(agreement, periods[0])) == [covered]


@pytest.mark.django_db
def test_feedback_one_per_woman_and_period_and_what_is_overdue(
    regions, agreement, inflow_officer, outflow_officer
):
    first, second = woman(regions), woman(regions)
    actor = Actor(inflow_officer)
    agreements.record_feedback(
        actor,
        agreement,
        first,
        D(2026, 7, 1),
        contraception="iud",
        pregnancy_check="not_pregnant",
        checked_on=D(2026, 9, 15),
    )
    with pytest.raises(ValidationError, match="certificate"):
        agreements.record_feedback(
            actor,
            agreement,
            first,
            D(2026, 7, 1),
            contraception="iud",
            pregnancy_check="not_pregnant",
            checked_on=D(2026, 9, 15),
        )
    # The outflow side reads; it does not report.
    with pytest.raises(PermissionDenied):
        agreements.record_feedback(
            Actor(outflow_officer),
            agreement,
            second,
            D(2026, 7, 1),
            contraception="iud",
            pregnancy_check="not_checked",
            note="外出务工",
        )
    today = D(2026, 11, 24)
    states = {state.period.start: state for state in agreements.schedule(agreement, today)}
    assert (states[D(2026, 7, 1)].covered, states[D(2026, 7, 1)].reported) == (2, 1)
    assert states[D(2026, 7, 1)].overdue(today) == 1
    # The current quarter is not due yet.
    assert states[D(2026, 10, 1)].overdue(today) == 0
    # Both women owed the first two quarters; the third lacks one report.
    assert agreements.overdue_count(agreement, today) == 2 + 2 + 1
    missing = agreements.missing_feedback(agreement, states[D(2026, 7, 1)].period)
    assert list(missing) == [second]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changed, field",
    [
        ({"contraception": "magic"}, "contraception"),
        ({"pregnancy_check": "maybe"}, "pregnancy_check"),
        ({"checked_on": None}, "checked_on"),
        ({"checked_on": D(2027, 1, 1)}, "checked_on"),
        ({"checked_on": D(2026, 3, 1)}, "checked_on"),
        ({"pregnancy_check": "not_checked", "checked_on": None}, "note"),
        ({"period_start": D(2026, 8, 1)}, "period_start"),
        ({"period_start": D(2027, 1, 1)}, "period_start"),
    ],
)
def test_bad_feedback_is_refused(regions, agreement, inflow_officer, changed, field):
    covered = woman(regions)
    values = {
        "period_start": D(2026, 7, 1),
        "contraception": "iud",
        "pregnancy_check": "not_pregnant",
        "checked_on": D(2026, 9, 1),
        **changed,
    }
    start = values.pop("period_start")
    with pytest.raises(ValidationError) as refused:
        agreements.record_feedback(Actor(inflow_officer), agreement, covered, start, **values)
    assert field in refused.value.message_dict
    assert MigrantFeedback.objects.count() == 0


@pytest.mark.django_db
def test_a_woman_not_covered_gets_no_report(regions, agreement, inflow_officer):
    staying = woman(regions, living_in=VILLAGE)
    with pytest.raises(ValidationError, match="certificate"):
        agreements.record_feedback(
            Actor(inflow_officer),
            agreement,
            staying,
            D(2026, 7, 1),
            contraception="iud",
            pregnancy_check="not_pregnant",
            checked_on=D(2026, 9, 1),
        )
