"""Programs, standards by date, and the eligibility rules: met, not met, unknown (疑者从无)."""

import datetime

import pytest

from casework.eligibility import CONDITIONS, Case, Fact, Outcome, assess, conditions_of
from casework.factories import PersonFactory, synthetic_id_number
from casework.models import FactCode, Hukou, Program
from tests.conftest import VILLAGE


@pytest.fixture
def rural_reward(db):
    return Program.objects.get(code="rural-reward")


_SEQUENCE = iter(range(1, 10_000))


def person(regions, born: datetime.date, *, male: bool = True, hukou=Hukou.RURAL):
    """A person born exactly on ``born`` (the factory shifts dates to keep numbers unique)."""
    number = synthetic_id_number(VILLAGE, born, 400 + next(_SEQUENCE), male=male)
    return PersonFactory(region=regions[VILLAGE], id_number=number, hukou=hukou)


def facts(**values):
    """Facts with evidence: ``living_children=(1, "户口簿")``."""
    return {code: Fact(value, evidence) for code, (value, evidence) in values.items()}


@pytest.fixture
def couple(regions):
    husband = person(regions, datetime.date(1966, 3, 8), male=True)
    wife = person(regions, datetime.date(1968, 5, 1), male=False)
    return husband, wife


@pytest.mark.django_db
def test_the_seeded_programs_and_their_standards_by_date(rural_reward):
    assert set(Program.objects.values_list("code", flat=True)) >= {
        "rural-reward",
        "special-disabled",
        "special-deceased",
        "single-child-reward",
    }
    assert str(rural_reward.standard_on(datetime.date(2025, 6, 1)).amount) == "600.00"
    assert str(rural_reward.standard_on(datetime.date(2026, 1, 1)).amount) == "960.00"
    assert rural_reward.standard_on(datetime.date(2023, 12, 31)) is None
    special = Program.objects.get(code="special-deceased").standard_on(datetime.date(2026, 1, 1))
    assert (special.amount_fen, special.period, special.min_mother_age) == (50000, "month", 49)


@pytest.mark.django_db
def test_rural_reward_met_with_evidence(rural_reward, couple):
    husband, wife = couple
    case = Case(
        husband,
        wife,
        rural_reward.standard_on(datetime.date(2026, 1, 1)),
        2026,
        facts(living_children=(1, "户口簿"), births_outside_policy=(0, "生育情况调查表")),
    )
    assessment = assess(rural_reward.conditions.all(), case)
    assert assessment.eligible, assessment.findings
    age = next(f for f in assessment.findings if f.condition == "applicant_age")
    assert "60" in age.evidence and "1966" in age.evidence


@pytest.mark.django_db
def test_turning_sixty_in_the_application_year_counts_but_fifty_nine_does_not(
    rural_reward, regions
):
    standard = rural_reward.standard_on(datetime.date(2026, 1, 1))
    known = facts(living_children=(0, "户口簿"), births_outside_policy=(0, "调查表"))
    december = person(regions, datetime.date(1966, 12, 31))
    younger = person(regions, datetime.date(1967, 1, 1))
    assert assess(
        rural_reward.conditions.all(), Case(december, None, standard, 2026, known)
    ).eligible
    assessment = assess(rural_reward.conditions.all(), Case(younger, None, standard, 2026, known))
    assert assessment.outcome == Outcome.NOT_MET
    assert [f.condition for f in assessment.unmet()] == ["applicant_age"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "recorded, outcome",
    [
        ({"living_children": (2, "户口簿"), "living_daughters": (2, "户口簿")}, Outcome.MET),
        ({"living_children": (2, "户口簿"), "living_daughters": (1, "户口簿")}, Outcome.NOT_MET),
        ({"living_children": (3, "户口簿")}, Outcome.NOT_MET),
        ({"living_children": (2, "户口簿")}, Outcome.UNKNOWN),
        ({"living_children": (1, "")}, Outcome.UNKNOWN),
        ({}, Outcome.UNKNOWN),
    ],
)
def test_children_rule_and_unknown_facts(rural_reward, couple, recorded, outcome):
    husband, wife = couple
    recorded = {**recorded, "births_outside_policy": (0, "调查表")}
    case = Case(
        husband, wife, rural_reward.standard_on(datetime.date(2026, 1, 1)), 2026, facts(**recorded)
    )
    assessment = assess(rural_reward.conditions.all(), case)
    assert assessment.outcome == outcome
    assert not assessment.eligible or outcome == Outcome.MET


@pytest.mark.django_db
def test_an_unknown_never_passes_and_a_failure_outranks_it(rural_reward, couple, regions):
    husband, wife = couple
    wife.hukou = Hukou.URBAN
    case = Case(husband, wife, rural_reward.standard_on(datetime.date(2026, 1, 1)), 2026, {})
    assessment = assess(rural_reward.conditions.all(), case)
    assert assessment.outcome == Outcome.NOT_MET
    outcomes = {f.condition: f.outcome for f in assessment.findings}
    assert outcomes["rural_hukou"] == Outcome.NOT_MET
    assert outcomes["births_outside_policy"] == Outcome.UNKNOWN


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code, status, mother_born, further, outcome",
    [
        ("special-deceased", "deceased", datetime.date(1975, 4, 1), 0, Outcome.MET),
        ("special-deceased", "disabled", datetime.date(1975, 4, 1), 0, Outcome.NOT_MET),
        ("special-disabled", "disabled", datetime.date(1975, 4, 1), 0, Outcome.MET),
        ("special-disabled", "disabled", datetime.date(1980, 4, 1), 0, Outcome.NOT_MET),
        ("special-disabled", "disabled", datetime.date(1975, 4, 1), 1, Outcome.NOT_MET),
        ("special-disabled", "disabled", datetime.date(1975, 4, 1), None, Outcome.UNKNOWN),
    ],
)
def test_special_assistance(regions, code, status, mother_born, further, outcome):
    program = Program.objects.get(code=code)
    mother = person(regions, mother_born, male=False)
    recorded = {"only_child_status": (status, "残疾证/死亡证明")}
    if further is not None:
        recorded["further_children"] = (further, "户籍核查")
    case = Case(
        mother, None, program.standard_on(datetime.date(2026, 1, 1)), 2026, facts(**recorded)
    )
    assert assess(program.conditions.all(), case).outcome == outcome


@pytest.mark.django_db
def test_the_mother_must_be_among_the_applicants(regions):
    program = Program.objects.get(code="special-deceased")
    father = person(regions, datetime.date(1970, 1, 1))
    case = Case(
        father,
        None,
        program.standard_on(datetime.date(2026, 1, 1)),
        2026,
        facts(only_child_status=("deceased", "死亡证明"), further_children=(0, "户籍核查")),
    )
    assessment = assess(program.conditions.all(), case)
    assert assessment.outcome == Outcome.UNKNOWN


@pytest.mark.django_db
def test_the_migrated_programs_keep_the_conditions_of_their_rule_sets():
    chosen = {
        program.code: [c.condition for c in program.conditions.all()]
        for program in Program.objects.prefetch_related("conditions")
    }
    assert chosen["rural-reward"] == [
        "rural_hukou",
        "applicant_age",
        "children",
        "births_outside_policy",
    ]
    assert chosen["special-disabled"] == ["only_child_disabled", "mother_age", "further_children"]
    assert chosen["special-deceased"] == ["only_child_deceased", "mother_age", "further_children"]
    assert chosen["single-child-reward"] == ["single_child_certificate", "one_living_child"]
    assert conditions_of(Program.objects.get(code="rural-reward"))[0] == str(
        CONDITIONS["rural_hukou"].label
    )
    assert FactCode.LIVING_CHILDREN.label


@pytest.mark.django_db
def test_programs_api(login_api, village_officer, django_assert_max_num_queries):
    api = login_api(village_officer)
    # Programs, their standards and their conditions: one query each, whatever their number.
    with django_assert_max_num_queries(7):
        body = api.get("/api/v1/programs/").json()
    rows = {row["code"]: row for row in body["results"]}
    assert rows["rural-reward"]["standard_amount"] == "960.00"
    assert rows["rural-reward"]["period"] == "year" and rows["rural-reward"]["min_age"] == 60
    assert rows["special-disabled"]["standard_amount"] == "400.00"
    assert rows["special-disabled"]["period"] == "month"
    assert len(rows["rural-reward"]["eligibility_summary"]) == 4
    assert (
        api.get("/api/v1/programs/rural-reward/").json()["name"] == "农村部分计划生育家庭奖励扶助"
    )


@pytest.mark.django_db
def test_programs_page(client, village_officer, administrator, django_assert_max_num_queries):
    client.force_login(village_officer)
    with django_assert_max_num_queries(8):
        page = client.get("/programs/").content.decode()
    assert "农村部分计划生育家庭奖励扶助" in page and "960.00" in page and "600.00" in page
    assert "admin/casework/program" not in page


@pytest.mark.django_db
def test_standards_are_added_in_the_admin_never_edited(client, django_user_model, regions):
    from django.contrib.admin.sites import site

    from web.admin.domain import ProgramStandardInline

    inline = ProgramStandardInline(Program, site)
    assert not inline.has_change_permission(None) and not inline.has_delete_permission(None)
    superuser = django_user_model.objects.create_superuser("root", password="x")
    client.force_login(superuser)
    assert client.get("/admin/casework/program/rural-reward/change/").status_code == 200
