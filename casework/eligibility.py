"""Who qualifies for a program: each condition is met, not met, or unknown, with its evidence.

A program is data: it chooses its conditions from the catalogue below (``CONDITIONS``), some
with a parameter (a day, a number). Each condition reads facts about the family (``FACTS``:
living children, births outside policy, the only child's condition, sterilisation and its
date…), recorded with the document they were checked against. A fact without a value or
without evidence is unknown, and unknown never passes (疑者从无): the application can only be
deferred. Ages come from ID numbers; household registration comes from the person registry.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.models import FactCode, Hukou, Person, Sex
from casework.models.programs import ProgramCondition, ProgramStandard


class Outcome(models.TextChoices):
    MET = "met", gettext_lazy("met")
    NOT_MET = "not_met", gettext_lazy("not met")
    UNKNOWN = "unknown", gettext_lazy("unknown")


class OnlyChildStatus(models.TextChoices):
    HEALTHY = "healthy", gettext_lazy("healthy")
    DISABLED = "disabled", gettext_lazy("disabled (grade 3 or worse)")
    DECEASED = "deceased", gettext_lazy("deceased")


class MarriageHistory(models.TextChoices):
    FIRST_MARRIAGE = "first_marriage", gettext_lazy("first marriage")
    REMARRIED = "remarried", gettext_lazy("remarried")
    DIVORCED = "divorced", gettext_lazy("divorced")
    WIDOWED = "widowed", gettext_lazy("widowed")


class UniversityAdmission(models.TextChoices):
    NONE = "none", gettext_lazy("none")
    DAUGHTER = "daughter", gettext_lazy("a daughter")
    SON = "son", gettext_lazy("a son")


YES_NO = [("yes", gettext_lazy("yes")), ("no", gettext_lazy("no"))]
# Complications are graded 1 (most severe) to 3: "grade 3 or worse" is any graded one.
GRADES = [(1, gettext_lazy("grade 1")), (2, gettext_lazy("grade 2")), (3, gettext_lazy("grade 3"))]


@dataclass(frozen=True)
class FactInput:
    """How a fact is asked for: ``count`` (a whole number), ``choice``, ``date``; and the
    evidence field it shares with the facts checked against the same document."""

    kind: str
    evidence: str
    choices: tuple = ()


# The facts in the order forms ask for them; evidence fields are named after their group.
FACTS: dict[str, FactInput] = {
    FactCode.LIVING_CHILDREN: FactInput("count", "children_evidence"),
    FactCode.LIVING_DAUGHTERS: FactInput("count", "children_evidence"),
    FactCode.BIRTHS_OUTSIDE_POLICY: FactInput("count", "births_evidence"),
    FactCode.ONLY_CHILD_STATUS: FactInput(
        "choice", "only_child_evidence", tuple(OnlyChildStatus.choices)
    ),
    FactCode.FURTHER_CHILDREN: FactInput("count", "only_child_evidence"),
    FactCode.SINGLE_CHILD_CERTIFICATE: FactInput("choice", "certificate_evidence", tuple(YES_NO)),
    FactCode.MARRIAGE_HISTORY: FactInput(
        "choice", "marriage_evidence", tuple(MarriageHistory.choices)
    ),
    FactCode.GAVE_UP_SECOND_BIRTH: FactInput("choice", "births_evidence", tuple(YES_NO)),
    FactCode.POLICY_BIRTH_ORDER: FactInput("count", "births_evidence"),
    FactCode.POLICY_BIRTH_ON: FactInput("date", "births_evidence"),
    FactCode.CONTRACEPTION_ON: FactInput("date", "contraception_evidence"),
    FactCode.STERILISED_ON: FactInput("date", "contraception_evidence"),
    FactCode.PREGNANCY_ENDED_MONTH: FactInput("count", "contraception_evidence"),
    FactCode.COMPLICATION_GRADE: FactInput("choice", "complication_evidence", tuple(GRADES)),
    FactCode.UNIVERSITY_ADMISSION: FactInput(
        "choice", "admission_evidence", tuple(UniversityAdmission.choices)
    ),
    FactCode.POOR_HOUSEHOLD: FactInput("choice", "poverty_evidence", tuple(YES_NO)),
    FactCode.RETIRED_ENTERPRISE_WORKER: FactInput("choice", "retirement_evidence", tuple(YES_NO)),
}

# What each evidence field asks for.
EVIDENCE_LABELS = {
    "children_evidence": gettext_lazy("Children checked against"),
    "births_evidence": gettext_lazy("Birth history checked against"),
    "only_child_evidence": gettext_lazy("Only child checked against"),
    "certificate_evidence": gettext_lazy("Certificate number"),
    "marriage_evidence": gettext_lazy("Marriage history checked against"),
    "contraception_evidence": gettext_lazy("Contraception checked against"),
    "complication_evidence": gettext_lazy("Complication assessment"),
    "admission_evidence": gettext_lazy("Admission letter"),
    "poverty_evidence": gettext_lazy("Poverty checked against"),
    "retirement_evidence": gettext_lazy("Retirement checked against"),
}


@dataclass(frozen=True)
class Fact:
    """A recorded fact: its value and the document it was checked against."""

    value: object
    evidence: str = ""


@dataclass(frozen=True)
class Finding:
    condition: str
    label: str
    outcome: str
    evidence: str


@dataclass(frozen=True)
class Assessment:
    findings: list[Finding]

    @property
    def outcome(self) -> str:
        """Not met if any condition fails; else unknown if any is unknown; else met."""
        outcomes = {finding.outcome for finding in self.findings}
        for outcome in (Outcome.NOT_MET, Outcome.UNKNOWN):
            if outcome in outcomes:
                return outcome
        return Outcome.MET

    @property
    def eligible(self) -> bool:
        return self.outcome == Outcome.MET

    def unmet(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.outcome != Outcome.MET]


@dataclass(frozen=True)
class Case:
    """What the rules look at: the people, the recorded facts, the standard and the year."""

    applicant: Person
    spouse: Person | None
    standard: ProgramStandard
    year: int
    facts: dict[str, Fact] = field(default_factory=dict)

    def age_in_year(self, person: Person) -> int:
        """Age reached in the application year (turning 60 that year counts as 60)."""
        return self.year - person.birth_date.year

    def fact(self, code: str) -> tuple[Fact | None, str]:
        """The fact, or None with the reason it is unknown."""
        fact = self.facts.get(code)
        if fact is None or fact.value in (None, ""):
            return None, _("not recorded")
        if not fact.evidence.strip():
            return None, _("recorded without evidence")
        return fact, ""


# A test answers (met?, evidence), None for "unknown"; it is given the case and the
# program's choice of the condition (its ``since`` and ``number``).
Test = Callable[[Case, ProgramCondition], tuple[bool | None, str]]


@dataclass(frozen=True)
class Condition:
    """One condition of the catalogue.

    ``label`` may hold ``%(since)s`` or ``%(number)s``, filled from the program's choice;
    ``parameter`` says which one the program must give ("" for none, "since" or "number"),
    ``default`` the number offered when adding it. ``facts`` are the facts it reads: the
    visit form asks for those of the program's conditions.
    """

    code: str
    label: object
    test: Test
    facts: tuple[str, ...] = ()
    parameter: str = ""
    default: int | None = None

    def describe(self, chosen: ProgramCondition | None = None) -> str:
        """The label with the program's parameter in it."""
        values = {
            "since": chosen.since.isoformat() if chosen and chosen.since else "…",
            "number": chosen.number if chosen and chosen.number is not None else self.default,
        }
        return str(self.label) % values if self.parameter else str(self.label)

    def __call__(self, case: Case, chosen: ProgramCondition) -> Finding:
        met, evidence = self.test(case, chosen)
        outcome = Outcome.UNKNOWN if met is None else (Outcome.MET if met else Outcome.NOT_MET)
        return Finding(self.code, self.describe(chosen), outcome, evidence)


def _shown(code: str, fact: Fact) -> str:
    """A fact as the evidence column shows it: name, value (the document seen)."""
    value = fact.value
    choices = dict(FACTS[code].choices) if code in FACTS else {}
    if value in choices:
        value = choices[value]
    return f"{FactCode(code).label}：{value}（{fact.evidence}）"


def _on_fact(code: str, test: Callable[[object, ProgramCondition], bool]) -> Test:
    """A test on one recorded fact: unknown when the fact or its evidence is missing."""

    def run(case: Case, chosen: ProgramCondition) -> tuple[bool | None, str]:
        fact, missing = case.fact(code)
        if fact is None:
            return None, f"{FactCode(code).label}：{missing}"
        try:
            return test(fact.value, chosen), _shown(code, fact)
        except (TypeError, ValueError):
            return None, f"{FactCode(code).label}：{_('unreadable value')} {fact.value!r}"

    return run


def _all(*tests: Test) -> Test:
    """Every test met; unknown when none fails and one is unknown. The evidence of each."""

    def run(case: Case, chosen: ProgramCondition) -> tuple[bool | None, str]:
        answers = [test(case, chosen) for test in tests]
        evidence = "；".join(text for _met, text in answers)
        if any(met is False for met, _text in answers):
            return False, evidence
        if any(met is None for met, _text in answers):
            return None, evidence
        return True, evidence

    return run


def _yes(value) -> bool:
    return value in (True, "yes", "true", 1)


def _on_or_after(value, chosen: ProgramCondition) -> bool:
    return chosen.since is None or datetime.date.fromisoformat(str(value)) >= chosen.since


def _rural_hukou(case: Case, _chosen) -> tuple[bool, str]:
    people = [case.applicant] + ([case.spouse] if case.spouse else [])
    evidence = "；".join(f"{p.name}：{p.get_hukou_display()}" for p in people)
    return all(p.hukou == Hukou.RURAL for p in people), evidence


def _applicant_age(case: Case, _chosen) -> tuple[bool, str]:
    minimum = case.standard.min_age
    if minimum is None:
        return True, _("no age limit")
    age = case.age_in_year(case.applicant)
    evidence = _("%(age)s in %(year)s (born %(born)s), at least %(minimum)s required") % {
        "age": age,
        "year": case.year,
        "born": case.applicant.birth_date.isoformat(),
        "minimum": minimum,
    }
    return age >= minimum, evidence


def _mother_age(case: Case, _chosen) -> tuple[bool | None, str]:
    mothers = [p for p in (case.applicant, case.spouse) if p is not None and p.sex == Sex.FEMALE]
    if not mothers:
        return None, _("the mother is not among the applicants")
    mother, minimum = mothers[0], case.standard.min_mother_age or 0
    age = case.age_in_year(mother)
    evidence = _("%(name)s: %(age)s in %(year)s, at least %(minimum)s required") % {
        "name": mother.name,
        "age": age,
        "year": case.year,
        "minimum": minimum,
    }
    return age >= minimum, evidence


def _children(allowed: Callable[[int, int | None], bool | None]) -> Test:
    """A test on living children and daughters: ``allowed(children, daughters)`` answers,
    or None when it needs the daughters (read only then)."""

    def run(case: Case, _chosen) -> tuple[bool | None, str]:
        children, missing = case.fact(FactCode.LIVING_CHILDREN)
        if children is None:
            return None, f"{FactCode.LIVING_CHILDREN.label}：{missing}"
        count = int(children.value)
        evidence = _shown(FactCode.LIVING_CHILDREN, children)
        answer = allowed(count, None)
        if answer is not None:
            return answer, evidence
        daughters, missing = case.fact(FactCode.LIVING_DAUGHTERS)
        if daughters is None:
            return None, f"{evidence}；{FactCode.LIVING_DAUGHTERS.label}：{missing}"
        evidence += "；" + _shown(FactCode.LIVING_DAUGHTERS, daughters)
        return bool(allowed(count, int(daughters.value))), evidence

    return run


def _one_child_or_two_daughters(children: int, daughters: int | None) -> bool | None:
    if children != 2:
        return children <= 1
    return None if daughters is None else daughters == 2


def _two_daughters(children: int, daughters: int | None) -> bool | None:
    if children != 2:
        return False
    return None if daughters is None else daughters == 2


def _daughters_only(children: int, daughters: int | None) -> bool | None:
    if children not in (1, 2):
        return False
    return None if daughters is None else daughters == children


_CHILDREN = (FactCode.LIVING_CHILDREN, FactCode.LIVING_DAUGHTERS)


def _condition(code, label, test, facts=(), parameter="", default=None) -> Condition:
    return Condition(code, label, test, tuple(facts), parameter, default)


def _fact_condition(code, label, fact, test, parameter="", default=None) -> Condition:
    return Condition(code, label, _on_fact(fact, test), (fact,), parameter, default)


CATALOGUE: tuple[Condition, ...] = (
    _condition(
        "rural_hukou", gettext_lazy("Rural household registration of both spouses"), _rural_hukou
    ),
    _condition(
        "applicant_age", gettext_lazy("Applicant's age in the application year"), _applicant_age
    ),
    _condition("mother_age", gettext_lazy("Mother's age in the application year"), _mother_age),
    _condition(
        "children",
        gettext_lazy("Living children: one child, two daughters, or none left"),
        _children(_one_child_or_two_daughters),
        _CHILDREN,
    ),
    _condition(
        "two_daughters",
        gettext_lazy("Two living children, both daughters (双女户)"),
        _children(_two_daughters),
        _CHILDREN,
    ),
    _condition(
        "daughters_only",
        gettext_lazy("One or two living children, all daughters (独女户、双女户)"),
        _children(_daughters_only),
        _CHILDREN,
    ),
    _fact_condition(
        "one_living_child",
        gettext_lazy("Exactly one living child"),
        FactCode.LIVING_CHILDREN,
        lambda value, _c: int(value) == 1,
    ),
    _fact_condition(
        "births_outside_policy",
        gettext_lazy("No births outside policy"),
        FactCode.BIRTHS_OUTSIDE_POLICY,
        lambda value, _c: int(value) == 0,
    ),
    _fact_condition(
        "further_children",
        gettext_lazy("No child born or adopted since"),
        FactCode.FURTHER_CHILDREN,
        lambda value, _c: int(value) == 0,
    ),
    _fact_condition(
        "only_child_disabled",
        gettext_lazy("The only child is disabled (grade 3 or worse)"),
        FactCode.ONLY_CHILD_STATUS,
        lambda value, _c: value == OnlyChildStatus.DISABLED,
    ),
    _fact_condition(
        "only_child_deceased",
        gettext_lazy("The only child is deceased"),
        FactCode.ONLY_CHILD_STATUS,
        lambda value, _c: value == OnlyChildStatus.DECEASED,
    ),
    _fact_condition(
        "only_child_lost",
        gettext_lazy("The only child is deceased or disabled (grade 3 or worse)"),
        FactCode.ONLY_CHILD_STATUS,
        lambda value, _c: value in (OnlyChildStatus.DISABLED, OnlyChildStatus.DECEASED),
    ),
    _fact_condition(
        "single_child_certificate",
        gettext_lazy("Holds the single-child parents' certificate"),
        FactCode.SINGLE_CHILD_CERTIFICATE,
        lambda value, _c: _yes(value),
    ),
    _fact_condition(
        "gave_up_second_birth",
        gettext_lazy("Gave up a further birth the policy allowed"),
        FactCode.GAVE_UP_SECOND_BIRTH,
        lambda value, _c: _yes(value),
    ),
    _fact_condition(
        "marriage_history",
        gettext_lazy("Marriage history checked"),
        FactCode.MARRIAGE_HISTORY,
        lambda value, _c: value in MarriageHistory.values,
    ),
    _condition(
        "first_birth_within_policy",
        gettext_lazy("A first child born within policy on or after %(since)s"),
        _all(
            _on_fact(FactCode.POLICY_BIRTH_ORDER, lambda value, _c: int(value) == 1),
            _on_fact(FactCode.POLICY_BIRTH_ON, _on_or_after),
        ),
        (FactCode.POLICY_BIRTH_ORDER, FactCode.POLICY_BIRTH_ON),
        "since",
    ),
    _condition(
        "later_birth_within_policy",
        gettext_lazy("A second or later child born within policy on or after %(since)s"),
        _all(
            _on_fact(FactCode.POLICY_BIRTH_ORDER, lambda value, _c: int(value) >= 2),
            _on_fact(FactCode.POLICY_BIRTH_ON, _on_or_after),
        ),
        (FactCode.POLICY_BIRTH_ORDER, FactCode.POLICY_BIRTH_ON),
        "since",
    ),
    _fact_condition(
        "long_acting_contraception",
        gettext_lazy("Long-acting contraception taken on or after %(since)s"),
        FactCode.CONTRACEPTION_ON,
        _on_or_after,
        "since",
    ),
    _fact_condition(
        "sterilised",
        gettext_lazy("Sterilised on or after %(since)s"),
        FactCode.STERILISED_ON,
        _on_or_after,
        "since",
    ),
    _fact_condition(
        "pregnancy_ended_within",
        gettext_lazy("An out-of-policy pregnancy ended within its first %(number)s months"),
        FactCode.PREGNANCY_ENDED_MONTH,
        lambda value, chosen: 0 < int(value) <= (chosen.number or 3),
        "number",
        3,
    ),
    _fact_condition(
        "complication_grade",
        gettext_lazy("A contraceptive surgery complication of grade %(number)s or worse"),
        FactCode.COMPLICATION_GRADE,
        lambda value, chosen: int(value) <= (chosen.number or 3),
        "number",
        3,
    ),
    _fact_condition(
        "daughter_admitted",
        gettext_lazy("A daughter admitted to university"),
        FactCode.UNIVERSITY_ADMISSION,
        lambda value, _c: value == UniversityAdmission.DAUGHTER,
    ),
    _fact_condition(
        "child_admitted",
        gettext_lazy("A child admitted to university"),
        FactCode.UNIVERSITY_ADMISSION,
        lambda value, _c: value in (UniversityAdmission.DAUGHTER, UniversityAdmission.SON),
    ),
    _fact_condition(
        "poor_household",
        gettext_lazy("A household in poverty"),
        FactCode.POOR_HOUSEHOLD,
        lambda value, _c: _yes(value),
    ),
    _fact_condition(
        "retired_enterprise_worker",
        gettext_lazy("A retired enterprise worker"),
        FactCode.RETIRED_ENTERPRISE_WORKER,
        lambda value, _c: _yes(value),
    ),
)

CONDITIONS: dict[str, Condition] = {condition.code: condition for condition in CATALOGUE}


def assess(conditions: Iterable[ProgramCondition], case: Case) -> Assessment:
    """Every condition the program chose, evaluated on ``case``."""
    return Assessment([CONDITIONS[chosen.condition](case, chosen) for chosen in conditions])


def conditions_of(program) -> list[str]:
    """The program's conditions as people read them, for program pages and the API.

    Reads ``program.conditions.all()``: lists that prefetch them ask no more queries."""
    return [CONDITIONS[chosen.condition].describe(chosen) for chosen in program.conditions.all()]


def facts_read_by(program) -> list[str]:
    """The fact codes the program's conditions read, in the order forms ask for them."""
    read = {
        fact for chosen in program.conditions.all() for fact in CONDITIONS[chosen.condition].facts
    }
    return [code for code in FACTS if code in read]
