"""Who qualifies for a program: each condition is met, not met, or unknown, with its evidence.

Facts about a family (living children, births outside policy, the only child's condition…) are
recorded with the document they were checked against. A fact without a value or without
evidence is unknown, and unknown never passes (疑者从无): the application can only be deferred.
Ages come from ID numbers; household registration comes from the person registry.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.models import FactCode, Hukou, Person, Sex
from casework.models.programs import Eligibility, ProgramStandard


class Outcome(models.TextChoices):
    MET = "met", gettext_lazy("met")
    NOT_MET = "not_met", gettext_lazy("not met")
    UNKNOWN = "unknown", gettext_lazy("unknown")


class OnlyChildStatus(models.TextChoices):
    HEALTHY = "healthy", gettext_lazy("healthy")
    DISABLED = "disabled", gettext_lazy("disabled (grade 3 or worse)")
    DECEASED = "deceased", gettext_lazy("deceased")


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


class Rule:
    """One condition: a code, a label for people, and a test returning (met?, evidence).

    The test answers None for "unknown"; the rule turns its answer into a :class:`Finding`.
    """

    def __init__(self, code: str, label, test: Callable[[Case], tuple[bool | None, str]]):
        self.code, self.label, self.test = code, label, test

    def __call__(self, case: Case) -> Finding:
        met, evidence = self.test(case)
        outcome = Outcome.UNKNOWN if met is None else (Outcome.MET if met else Outcome.NOT_MET)
        return Finding(self.code, str(self.label), outcome, evidence)


def condition(code: str, label):
    """Make a :class:`Rule` of a test function."""
    return lambda test: Rule(code, label, test)


def _fact_test(code: str, test: Callable[[object], bool]):
    """A test on one recorded fact: unknown when the fact or its evidence is missing."""

    def run(case: Case) -> tuple[bool | None, str]:
        fact, missing = case.fact(code)
        if fact is None:
            return None, f"{FactCode(code).label}：{missing}"
        return test(fact.value), f"{FactCode(code).label}：{fact.value}（{fact.evidence}）"

    return run


@condition("rural_hukou", gettext_lazy("Rural household registration of both spouses"))
def rural_hukou(case: Case):
    people = [case.applicant] + ([case.spouse] if case.spouse else [])
    evidence = "；".join(f"{p.name}：{p.get_hukou_display()}" for p in people)
    return all(p.hukou == Hukou.RURAL for p in people), evidence


@condition("applicant_age", gettext_lazy("Applicant's age in the application year"))
def applicant_age(case: Case):
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


@condition("mother_age", gettext_lazy("Mother's age in the application year"))
def mother_age(case: Case):
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


@condition("children", gettext_lazy("Living children: one child, two daughters, or none left"))
def children_within_policy(case: Case):
    children, missing = case.fact(FactCode.LIVING_CHILDREN)
    if children is None:
        return None, f"{FactCode.LIVING_CHILDREN.label}：{missing}"
    count = int(children.value)
    evidence = f"{FactCode.LIVING_CHILDREN.label}：{count}（{children.evidence}）"
    if count != 2:
        return count <= 1, evidence
    daughters, missing = case.fact(FactCode.LIVING_DAUGHTERS)
    if daughters is None:
        return None, f"{evidence}；{FactCode.LIVING_DAUGHTERS.label}：{missing}"
    evidence += f"；{FactCode.LIVING_DAUGHTERS.label}：{daughters.value}（{daughters.evidence}）"
    return int(daughters.value) == 2, evidence


no_births_outside_policy = Rule(
    "births_outside_policy",
    gettext_lazy("No births outside policy"),
    _fact_test(FactCode.BIRTHS_OUTSIDE_POLICY, lambda value: int(value) == 0),
)
no_further_child = Rule(
    "further_children",
    gettext_lazy("No child born or adopted since"),
    _fact_test(FactCode.FURTHER_CHILDREN, lambda value: int(value) == 0),
)
only_child_disabled = Rule(
    "only_child_disabled",
    gettext_lazy("The only child is disabled (grade 3 or worse)"),
    _fact_test(FactCode.ONLY_CHILD_STATUS, lambda value: value == OnlyChildStatus.DISABLED),
)
only_child_deceased = Rule(
    "only_child_deceased",
    gettext_lazy("The only child is deceased"),
    _fact_test(FactCode.ONLY_CHILD_STATUS, lambda value: value == OnlyChildStatus.DECEASED),
)
single_child_certificate = Rule(
    "single_child_certificate",
    gettext_lazy("Holds the single-child parents' certificate"),
    _fact_test(FactCode.SINGLE_CHILD_CERTIFICATE, lambda value: value in (True, "yes", "true", 1)),
)
one_living_child = Rule(
    "one_living_child",
    gettext_lazy("Exactly one living child"),
    _fact_test(FactCode.LIVING_CHILDREN, lambda value: int(value) == 1),
)


RULES: dict[str, list[Rule]] = {
    Eligibility.RURAL_REWARD: [
        rural_hukou,
        applicant_age,
        children_within_policy,
        no_births_outside_policy,
    ],
    Eligibility.SPECIAL_DISABLED: [only_child_disabled, mother_age, no_further_child],
    Eligibility.SPECIAL_DECEASED: [only_child_deceased, mother_age, no_further_child],
    Eligibility.SINGLE_CHILD_REWARD: [single_child_certificate, one_living_child],
}


def assess(eligibility: str, case: Case) -> Assessment:
    """Every condition of the program's rule set, evaluated on ``case``."""
    return Assessment([rule(case) for rule in RULES[eligibility]])


def conditions_of(eligibility: str) -> list[str]:
    """The labels of a rule set's conditions, for program pages and the API."""
    return [str(rule.label) for rule in RULES[eligibility]]
