"""Every condition of the catalogue met, not met and unknown (疑者从无), and every program that
migration 0022 seeds met by a family that qualifies."""

import datetime
import importlib

import pytest

from casework.eligibility import CATALOGUE, CONDITIONS, Case, Fact, Outcome, assess
from casework.factories import PersonFactory, synthetic_id_number
from casework.models import Hukou, Program
from casework.models.programs import ProgramCondition, ProgramStandard
from tests.conftest import VILLAGE

D = datetime.date
YEAR = 2026
SEEDED = importlib.import_module("casework.migrations.0022_seed_programs_of_the_seeds")
_SEQUENCE = iter(range(1, 10_000))

# The two conditions read from the person registry (hukou, ID numbers), never from a recorded
# fact: they are always known.
ALWAYS_KNOWN = {"rural_hukou", "applicant_age"}


def person(regions, born: D, *, male: bool, hukou=Hukou.RURAL):
    """A person born exactly on ``born`` (the factory shifts dates to keep numbers unique)."""
    number = synthetic_id_number(VILLAGE, born, 600 + next(_SEQUENCE), male=male)
    return PersonFactory(region=regions[VILLAGE], id_number=number, hukou=hukou)


def recorded(**values) -> dict[str, Fact]:
    """Facts checked against a document; ``(value, "")`` for one recorded without evidence."""
    return {
        code: Fact(*value) if isinstance(value, tuple) else Fact(value, "核查材料")
        for code, value in values.items()
    }


# One family for every case: applicant (a man), spouse (a woman), standard, facts. Each case
# names what differs from it.
HUSBAND = {"born": D(1966, 3, 8), "hukou": Hukou.RURAL}
WIFE = {"born": D(1975, 4, 1), "hukou": Hukou.RURAL}
STANDARD = {"min_age": 60, "min_mother_age": 49}


def example(what: str, outcome: str, facts=None, *, since=None, number=None, **family):
    """A case of one condition: the facts, the program's ``since`` or ``number``, what differs
    from the family above (``husband``, ``wife`` (None: none), ``standard``), the outcome."""
    return pytest.param(facts or {}, since, number, family, outcome, id=f"{outcome}:{what}")


SINCE = D(2012, 10, 1)
CASES = {
    "rural_hukou": [
        example("both rural", Outcome.MET),
        example("spouse urban", Outcome.NOT_MET, wife={"hukou": Hukou.URBAN}),
    ],
    "applicant_age": [
        example("60 this year", Outcome.MET),
        example("59 this year", Outcome.NOT_MET, husband={"born": D(1967, 1, 1)}),
        example("no age limit", Outcome.MET, standard={"min_age": None}),
    ],
    "mother_age": [
        example("51", Outcome.MET),
        example("46", Outcome.NOT_MET, wife={"born": D(1980, 4, 1)}),
        example("no mother among the applicants", Outcome.UNKNOWN, wife=None),
    ],
    "children": [
        example("one child", Outcome.MET, recorded(living_children=1)),
        example("two daughters", Outcome.MET, recorded(living_children=2, living_daughters=2)),
        example(
            "a son and a daughter", Outcome.NOT_MET, recorded(living_children=2, living_daughters=1)
        ),
        example("three", Outcome.NOT_MET, recorded(living_children=3)),
        example("daughters not recorded", Outcome.UNKNOWN, recorded(living_children=2)),
        example("without evidence", Outcome.UNKNOWN, recorded(living_children=(1, ""))),
    ],
    "two_daughters": [
        example("two daughters", Outcome.MET, recorded(living_children=2, living_daughters=2)),
        example("one child", Outcome.NOT_MET, recorded(living_children=1, living_daughters=1)),
        example("daughters not recorded", Outcome.UNKNOWN, recorded(living_children=2)),
    ],
    "daughters_only": [
        example("one daughter", Outcome.MET, recorded(living_children=1, living_daughters=1)),
        example("two daughters", Outcome.MET, recorded(living_children=2, living_daughters=2)),
        example("a son", Outcome.NOT_MET, recorded(living_children=2, living_daughters=1)),
        example("nothing recorded", Outcome.UNKNOWN),
    ],
    "one_living_child": [
        example("one", Outcome.MET, recorded(living_children=1)),
        example("two", Outcome.NOT_MET, recorded(living_children=2)),
        example("without evidence", Outcome.UNKNOWN, recorded(living_children=(1, " "))),
    ],
    "births_outside_policy": [
        example("none", Outcome.MET, recorded(births_outside_policy=0)),
        example("one", Outcome.NOT_MET, recorded(births_outside_policy=1)),
        example("not recorded", Outcome.UNKNOWN),
    ],
    "further_children": [
        example("none", Outcome.MET, recorded(further_children=0)),
        example("one", Outcome.NOT_MET, recorded(further_children=1)),
        example("not recorded", Outcome.UNKNOWN),
    ],
    "only_child_disabled": [
        example("disabled", Outcome.MET, recorded(only_child_status="disabled")),
        example("healthy", Outcome.NOT_MET, recorded(only_child_status="healthy")),
        example("not recorded", Outcome.UNKNOWN),
    ],
    "only_child_deceased": [
        example("deceased", Outcome.MET, recorded(only_child_status="deceased")),
        example("disabled", Outcome.NOT_MET, recorded(only_child_status="disabled")),
        example("without evidence", Outcome.UNKNOWN, recorded(only_child_status=("deceased", ""))),
    ],
    "only_child_lost": [
        example("deceased", Outcome.MET, recorded(only_child_status="deceased")),
        example("disabled", Outcome.MET, recorded(only_child_status="disabled")),
        example("healthy", Outcome.NOT_MET, recorded(only_child_status="healthy")),
        example("not recorded", Outcome.UNKNOWN),
    ],
    "single_child_certificate": [
        example("holds it", Outcome.MET, recorded(single_child_certificate="yes")),
        example("does not", Outcome.NOT_MET, recorded(single_child_certificate="no")),
        example("not recorded", Outcome.UNKNOWN),
    ],
    "gave_up_second_birth": [
        example("gave it up", Outcome.MET, recorded(gave_up_second_birth="yes")),
        example("did not", Outcome.NOT_MET, recorded(gave_up_second_birth="no")),
        example("without evidence", Outcome.UNKNOWN, recorded(gave_up_second_birth=("yes", ""))),
    ],
    "marriage_history": [
        example("first marriage", Outcome.MET, recorded(marriage_history="first_marriage")),
        example("remarried", Outcome.MET, recorded(marriage_history="remarried")),
        example("not a history", Outcome.NOT_MET, recorded(marriage_history="engaged")),
        example("not recorded", Outcome.UNKNOWN),
    ],
    "first_birth_within_policy": [
        example(
            "first, after",
            Outcome.MET,
            recorded(policy_birth_order=1, policy_birth_on="2013-05-01"),
            since=SINCE,
        ),
        example(
            "first, on the day",
            Outcome.MET,
            recorded(policy_birth_order=1, policy_birth_on="2012-10-01"),
            since=SINCE,
        ),
        example(
            "first, before",
            Outcome.NOT_MET,
            recorded(policy_birth_order=1, policy_birth_on="2012-09-30"),
            since=SINCE,
        ),
        example(
            "second, after",
            Outcome.NOT_MET,
            recorded(policy_birth_order=2, policy_birth_on="2013-05-01"),
            since=SINCE,
        ),
        example("date missing", Outcome.UNKNOWN, recorded(policy_birth_order=1), since=SINCE),
    ],
    "later_birth_within_policy": [
        example(
            "second, after",
            Outcome.MET,
            recorded(policy_birth_order=2, policy_birth_on="2014-01-01"),
            since=SINCE,
        ),
        example(
            "second, before",
            Outcome.NOT_MET,
            recorded(policy_birth_order=2, policy_birth_on="2011-01-01"),
            since=SINCE,
        ),
        example(
            "first, after",
            Outcome.NOT_MET,
            recorded(policy_birth_order=1, policy_birth_on="2014-01-01"),
            since=SINCE,
        ),
        example(
            "order missing",
            Outcome.UNKNOWN,
            recorded(policy_birth_on="2014-01-01"),
            since=SINCE,
        ),
    ],
    "long_acting_contraception": [
        example("after", Outcome.MET, recorded(contraception_on="2013-01-01"), since=SINCE),
        example("before", Outcome.NOT_MET, recorded(contraception_on="2012-09-30"), since=SINCE),
        example("not recorded", Outcome.UNKNOWN, since=SINCE),
    ],
    "sterilised": [
        example("after", Outcome.MET, recorded(sterilised_on="2011-03-02"), since=D(2010, 10, 1)),
        example(
            "before", Outcome.NOT_MET, recorded(sterilised_on="2010-09-30"), since=D(2010, 10, 1)
        ),
        example("any day", Outcome.MET, recorded(sterilised_on="1995-06-01")),
        example(
            "without evidence",
            Outcome.UNKNOWN,
            recorded(sterilised_on=("2011-03-02", "")),
            since=D(2010, 10, 1),
        ),
    ],
    "pregnancy_ended_within": [
        example("month 2 of 3", Outcome.MET, recorded(pregnancy_ended_month=2), number=3),
        example("month 4 of 3", Outcome.NOT_MET, recorded(pregnancy_ended_month=4), number=3),
        example("not recorded", Outcome.UNKNOWN, number=3),
    ],
    "complication_grade": [
        example("grade 1, 2 or worse", Outcome.MET, recorded(complication_grade=1), number=2),
        example("grade 3, 2 or worse", Outcome.NOT_MET, recorded(complication_grade=3), number=2),
        example("not recorded", Outcome.UNKNOWN, number=2),
    ],
    "daughter_admitted": [
        example("a daughter", Outcome.MET, recorded(university_admission="daughter")),
        example("a son", Outcome.NOT_MET, recorded(university_admission="son")),
        example("not recorded", Outcome.UNKNOWN),
    ],
    "child_admitted": [
        example("a son", Outcome.MET, recorded(university_admission="son")),
        example("none", Outcome.NOT_MET, recorded(university_admission="none")),
        example("without evidence", Outcome.UNKNOWN, recorded(university_admission=("son", ""))),
    ],
    "poor_household": [
        example("poor", Outcome.MET, recorded(poor_household="yes")),
        example("not poor", Outcome.NOT_MET, recorded(poor_household="no")),
        example("not recorded", Outcome.UNKNOWN),
    ],
    "retired_enterprise_worker": [
        example("retired worker", Outcome.MET, recorded(retired_enterprise_worker="yes")),
        example("not one", Outcome.NOT_MET, recorded(retired_enterprise_worker="no")),
        example("not recorded", Outcome.UNKNOWN),
    ],
}


def _outcome_of(param) -> str:
    return param.values[-1]


@pytest.mark.parametrize("condition", CATALOGUE, ids=lambda condition: condition.code)
def test_every_condition_has_a_met_a_not_met_and_an_unknown_case(condition):
    outcomes = {_outcome_of(param) for param in CASES.get(condition.code, [])}
    expected = {Outcome.MET, Outcome.NOT_MET}
    if condition.code not in ALWAYS_KNOWN:
        expected.add(Outcome.UNKNOWN)
    assert outcomes >= expected, f"{condition.code}: cases for {expected - outcomes} missing"


def test_the_cases_name_only_conditions_of_the_catalogue():
    assert set(CASES) == set(CONDITIONS)


def _family(regions, family: dict):
    husband = {**HUSBAND, **family.get("husband", {})}
    applicant = person(regions, husband["born"], male=True, hukou=husband["hukou"])
    spouse = None
    if family.get("wife", {}) is not None:
        wife = {**WIFE, **family.get("wife", {})}
        spouse = person(regions, wife["born"], male=False, hukou=wife["hukou"])
    standard = ProgramStandard(**{**STANDARD, **family.get("standard", {})})
    return applicant, spouse, standard


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code, facts, since, number, family, outcome",
    [
        pytest.param(code, *param.values, id=f"{code}-{param.id}")
        for code, params in CASES.items()
        for param in params
    ],
)
def test_a_condition_on_a_case(regions, code, facts, since, number, family, outcome):
    applicant, spouse, standard = _family(regions, family)
    chosen = ProgramCondition(condition=code, since=since, number=number)
    finding = CONDITIONS[code](Case(applicant, spouse, standard, YEAR, facts), chosen)
    assert finding.outcome == outcome, finding.evidence
    assert finding.condition == code and finding.label == CONDITIONS[code].describe(chosen)
    if outcome == Outcome.UNKNOWN and facts:
        assert finding.evidence  # says which fact is missing or lacks its document


def test_a_parameter_is_described_with_the_programs_choice():
    assert "2010-10-01" in CONDITIONS["sterilised"].describe(
        ProgramCondition(condition="sterilised", since=D(2010, 10, 1))
    )
    assert "2" in CONDITIONS["complication_grade"].describe(
        ProgramCondition(condition="complication_grade", number=2)
    )


# What a qualifying family has recorded, for each program migration 0022 seeds (the couple is
# the rural one of ``HUSBAND`` and ``WIFE``).
QUALIFYING = {
    "special-complication": recorded(complication_grade=2),
    "nutrition-first-birth": recorded(
        policy_birth_order=1, policy_birth_on="2025-06-01", contraception_on="2025-08-01"
    ),
    "nutrition-later-birth": recorded(
        policy_birth_order=2, policy_birth_on="2025-06-01", sterilised_on="2025-09-01"
    ),
    "nutrition-ended-pregnancy": recorded(pregnancy_ended_month=2),
    "sterilisation-reward": recorded(
        living_children=2, living_daughters=2, births_outside_policy=0, sterilised_on="2011-03-02"
    ),
    "pension-daughters": recorded(
        living_children=1, living_daughters=1, gave_up_second_birth="yes"
    ),
    "pension-complication": recorded(complication_grade=3),
    "pension-special": recorded(only_child_status="deceased", further_children=0),
    "pension-single-child": recorded(single_child_certificate="yes"),
    "sunshine-daughter": recorded(
        living_children=2,
        living_daughters=2,
        sterilised_on="2008-05-01",
        university_admission="daughter",
    ),
    "sunshine-certificate": recorded(
        single_child_certificate="yes", poor_household="yes", university_admission="son"
    ),
    "retired-worker-reward": recorded(
        retired_enterprise_worker="yes", single_child_certificate="yes"
    ),
}


def test_every_seeded_program_has_a_qualifying_family():
    assert set(QUALIFYING) == {row[0] for row in SEEDED.PROGRAMS}


@pytest.mark.django_db
@pytest.mark.parametrize("code", list(QUALIFYING))
def test_a_qualifying_family_meets_the_seeded_program(regions, code):
    program = Program.objects.get(code=code)
    applicant, spouse, _standard = _family(regions, {})
    case = Case(applicant, spouse, program.standard_on(D(YEAR, 1, 1)), YEAR, QUALIFYING[code])
    assessment = assess(program.conditions.all(), case)
    assert assessment.outcome == Outcome.MET, assessment.findings
    # Each fact is read by the conditions of the program: none was given for nothing.
    read = {
        fact for chosen in program.conditions.all() for fact in CONDITIONS[chosen.condition].facts
    }
    assert set(QUALIFYING[code]) == read


@pytest.mark.django_db
def test_the_sterilisation_reward_refuses_a_sterilisation_before_its_day(regions):
    program = Program.objects.get(code="sterilisation-reward")
    applicant, spouse, _standard = _family(regions, {})
    facts = {**QUALIFYING["sterilisation-reward"], **recorded(sterilised_on="2010-09-30")}
    case = Case(applicant, spouse, program.standard_on(D(YEAR, 1, 1)), YEAR, facts)
    assessment = assess(program.conditions.all(), case)
    assert [finding.condition for finding in assessment.unmet()] == ["sterilised"]
    assert assessment.outcome == Outcome.NOT_MET
