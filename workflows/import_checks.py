"""Checking an import's rows: every error of every row, with the column it is about.

Rows are checked a chunk at a time: each chunk reads the database in bulk (one query per kind
of record looked up: persons, regions, households, applications, accounts), never per row.
Duplicates are looked for inside the whole file as well as against the database.
"""

import calendar
import datetime
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from casework import clock
from casework.id_numbers import IdNumber, parse_id_number
from casework.imports.columns import (
    ADMISSION_VALUES,
    GRADE_VALUES,
    HUKOU_VALUES,
    MARRIAGE_VALUES,
    ONLY_CHILD_VALUES,
    YES_NO_VALUES,
)
from casework.imports.files import Row
from casework.models import (
    Application,
    ApplicationStatus,
    BankAccount,
    Household,
    Hukou,
    ImportKind,
    Person,
    Program,
    ProgramExclusion,
    Region,
    RegionLevel,
    Sex,
)
from casework.models.applications import ENDED, SAME_SEX_SPOUSE
from casework.models.payments import validate_account_number
from permissions.scoping import code_in_jurisdiction
from workflows.applications import FactsForm

CHUNK = 2000
_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_MONTH = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_YEAR = re.compile(r"^\d{4}$")
# Statuses that hold the one-application-per-year constraint (refused ones may be redone).
_CLOSED_FOR_DUPLICATES = [ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN]


class OnRecord(NamedTuple):
    """A person on record as a row's check needs them."""

    pk: int
    region: str
    sex: str


@dataclass
class Checked:
    """A row after checking: the values to write, and what is wrong with it (if anything)."""

    row: int
    values: dict = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors

    def error(self, key: str, message) -> None:
        self.errors.append((key, str(message)))


def check_rows(
    kind: str, officer, rows: Iterable[Row], progress: Callable[[int], None] | None = None
) -> Iterator[Checked]:
    """Check ``rows`` of an import of ``kind`` by ``officer``, a chunk at a time."""
    checker = CHECKERS[ImportKind(kind)](officer)
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield from checker.check(chunk)
            if progress:
                progress(len(chunk))
            chunk = []
    if chunk:
        yield from checker.check(chunk)
        if progress:
            progress(len(chunk))


class _Checker:
    """What every kind checks the same way: required cells, lengths, ID numbers, dates."""

    def __init__(self, officer):
        self.officer = officer
        self.today = clock.today()
        # ID number → the first row that had it, for duplicates inside the file.
        self.seen: dict[str, int] = {}

    def check(self, rows: list[Row]) -> list[Checked]:
        raise NotImplementedError

    def text(self, row: Row, checked: Checked, key: str, limit: int, *, required=False) -> str:
        value = row.values.get(key, "")
        if required and not value:
            checked.error(key, _("This field is required."))
        elif len(value) > limit:
            checked.error(
                key,
                _("At most %(limit)d characters, got %(length)d.")
                % {"limit": limit, "length": len(value)},
            )
        return value

    def id_number(self, row: Row, checked: Checked, key: str, *, required=True) -> IdNumber | None:
        value = row.values.get(key, "")
        if not value and not required:
            return None
        try:
            return parse_id_number(value, today=self.today)
        except ValidationError as error:
            checked.error(key, " ".join(error.messages))
            return None

    def date(self, row: Row, checked: Checked, key: str) -> datetime.date | None:
        value = row.values.get(key, "")
        if not value:
            checked.error(key, _("This field is required."))
            return None
        match = _DATE.match(value)
        try:
            day = datetime.date(*map(int, match.groups())) if match else None
        except ValueError:
            day = None
        if day is None:
            checked.error(key, _("%(value)s is not a date; write YYYY-MM-DD.") % {"value": value})
        elif day > self.today:
            checked.error(key, _("The date cannot be in the future."))
            return None
        return day

    def in_jurisdiction(self, code: str) -> bool:
        return code_in_jurisdiction(self.officer, code)

    def repeated(self, checked: Checked, key: str, number: str) -> None:
        """Flag the second and later rows of one ID number in the file."""
        first = self.seen.setdefault(number, checked.row)
        if first != checked.row:
            checked.error(
                key,
                _("The same ID number is already in row %(row)d of this file.") % {"row": first},
            )


class PersonChecker(_Checker):
    """Persons with their household: a new person in a village of the importer's jurisdiction,
    joining a household on record in the same village or a new one."""

    def __init__(self, officer):
        super().__init__(officer)
        # Household number → (village, first row) in this file.
        self.households: dict[str, tuple[str, int]] = {}

    def check(self, rows: list[Row]) -> list[Checked]:
        results = []
        for row in rows:
            checked = Checked(row.number)
            values = checked.values
            values["name"] = self.text(row, checked, "name", 50, required=True)
            facts = self.id_number(row, checked, "id_number")
            if facts is not None:
                values["id_number"] = facts.number
                values["birth_date"] = facts.birth_date
                values["sex"] = Sex.MALE if facts.is_male else Sex.FEMALE
            values["region"] = self.text(row, checked, "region", 12, required=True)
            values["household"] = self.text(row, checked, "household", 20)
            values["address"] = self.text(row, checked, "address", 200)
            values["phone"] = self.text(row, checked, "phone", 20)
            hukou = row.values.get("hukou", "")
            values["hukou"] = HUKOU_VALUES.get(hukou, hukou if hukou in Hukou.values else "")
            if not hukou:
                checked.error("hukou", _("This field is required."))
            elif not values["hukou"]:
                checked.error(
                    "hukou", _("%(value)s is not allowed; write 农业 or 非农业.") % {"value": hukou}
                )
            results.append(checked)
        numbers = {c.values["id_number"] for c in results if "id_number" in c.values}
        codes = {c.values["region"] for c in results if c.values["region"]}
        households = {c.values["household"] for c in results if c.values["household"]}
        on_record = set(
            Person.objects.filter(id_number__in=numbers).values_list("id_number", flat=True)
        )
        levels = dict(Region.objects.filter(code__in=codes).values_list("code", "level"))
        villages_of = dict(
            Household.objects.filter(number__in=households).values_list("number", "region_id")
        )
        for checked in results:
            values = checked.values
            number = values.get("id_number")
            if number:
                if number in on_record:
                    checked.error("id_number", _("A person with this ID number is on record."))
                self.repeated(checked, "id_number", number)
            code = values["region"]
            if code:
                self._check_village(checked, code, levels.get(code))
            household = values["household"]
            if household and code:
                village, first = self.households.setdefault(household, (code, checked.row))
                if household in villages_of and villages_of[household] != code:
                    checked.error("household", _("The household is registered in another village."))
                elif village != code:
                    checked.error(
                        "household",
                        _("Row %(row)d of this file puts the household in another village.")
                        % {"row": first},
                    )
        return results

    def _check_village(self, checked: Checked, code: str, level: str | None) -> None:
        if level is None:
            checked.error("region", _("No region has the code %(code)s.") % {"code": code})
        elif level != RegionLevel.VILLAGE:
            checked.error("region", _("%(code)s is not a village.") % {"code": code})
        elif not self.in_jurisdiction(code):
            checked.error("region", _("%(code)s is outside your jurisdiction.") % {"code": code})


class _ProgramChecker(_Checker):
    """Rows that put a person on record into a program: the program, the person, and the
    one-entitlement rule (``Application.clean``, ``ProgramExclusion``) in bulk."""

    def __init__(self, officer):
        super().__init__(officer)
        self.programs = {
            program.code: program for program in Program.objects.prefetch_related("standards")
        }
        self.exclusions: dict[str, set[str]] = defaultdict(set)
        for program, excludes in ProgramExclusion.objects.values_list("program_id", "excludes_id"):
            self.exclusions[program].add(excludes)
            self.exclusions[excludes].add(program)
        # ID number → [(program code, row)] put into programs by earlier rows of this file.
        self.enrolled_here: dict[str, list[tuple[str, int]]] = defaultdict(list)

    def excluded(self, code: str) -> set[str]:
        """The programs a holder of ``code`` may not hold at once, itself included."""
        return {code} | self.exclusions[code]

    def program(self, row: Row, checked: Checked) -> Program | None:
        code = row.values.get("program", "")
        if not code:
            checked.error("program", _("This field is required."))
            return None
        program = self.programs.get(code)
        if program is None:
            checked.error("program", _("No program has the code %(code)s.") % {"code": code})
        return program

    def persons(self, numbers: set[str]) -> dict[str, OnRecord]:
        """ID number → the persons on record (id, village, sex)."""
        return {
            number: OnRecord(pk, region, sex)
            for pk, number, region, sex in Person.objects.filter(id_number__in=numbers).values_list(
                "pk", "id_number", "region_id", "sex"
            )
        }

    def held(self, person_ids: set[int]) -> dict[int, list[tuple[str, int, str]]]:
        """Person id → their applications that count: (program, year, status)."""
        held = defaultdict(list)
        rows = (
            Application.objects.filter(applicant_id__in=person_ids)
            .exclude(status__in=_CLOSED_FOR_DUPLICATES)
            .values_list("applicant_id", "program_id", "year", "status")
        )
        for person, program, year, status in rows:
            held[person].append((program, year, status))
        return held

    def check_applicant(self, checked, key, number, persons) -> OnRecord | None:
        person = persons.get(number)
        if person is None:
            checked.error(
                key, _("No person with this ID number is on record; import the persons first.")
            )
        elif not self.in_jurisdiction(person.region):
            checked.error(key, _("The person is registered outside your jurisdiction."))
            return None
        return person

    def check_entitlement(self, checked, number, person_id, program, year, held) -> None:
        """One live application or entitlement per person in a program or the programs that
        exclude it, and one application per program and year (the database's constraint)."""
        excluded = self.excluded(program.code)
        for other, other_year, status in held.get(person_id, ()):
            if other == program.code and other_year == year:
                checked.error(
                    "program",
                    _("This person already has an application to this program for this year."),
                )
                return
            if other in excluded and status not in ENDED:
                checked.error(
                    "program",
                    _(
                        "This person already holds or is applying for %(program)s, which "
                        "excludes this program."
                    )
                    % {"program": self.programs[other].name},
                )
                return
        for other, first in self.enrolled_here[number]:
            if other in excluded:
                checked.error(
                    "program",
                    _("Row %(row)d of this file already puts this person into %(program)s.")
                    % {"row": first, "program": self.programs[other].name},
                )
                return
        self.enrolled_here[number].append((program.code, checked.row))


class RecipientChecker(_ProgramChecker):
    """Recipients enrolled before the system: paid from the period after their last paid one,
    into an account on record or given here."""

    def check(self, rows: list[Row]) -> list[Checked]:
        results = []
        for row in rows:
            checked = Checked(row.number)
            facts = self.id_number(row, checked, "id_number")
            program = self.program(row, checked)
            enrolled = self.date(row, checked, "enrolled_since")
            checked.values.update(
                number=facts.number if facts else "",
                program=program,
                enrolled_since=enrolled,
                last_paid=row.values.get("last_paid", ""),
                bank=self.text(row, checked, "bank", 60),
                account_number=row.values.get("account_number", "").replace(" ", ""),
            )
            if program and enrolled:
                checked.values["paid_from"] = self._paid_from(row, checked, program, enrolled)
            results.append(checked)
        persons = self.persons({c.values["number"] for c in results if c.values["number"]})
        ids = {person.pk for person in persons.values()}
        held = self.held(ids)
        accounts = dict(
            BankAccount.objects.filter(person_id__in=ids, replaced_at__isnull=True).values_list(
                "person_id", "account_number"
            )
        )
        for checked in results:
            values, number = checked.values, checked.values["number"]
            if not number:
                continue
            self.repeated(checked, "id_number", number)
            person = self.check_applicant(checked, "id_number", number, persons)
            if person is None:
                continue
            values["person"], values["region"] = person.pk, person.region
            if values["program"] and values["enrolled_since"]:
                year = values["enrolled_since"].year
                self.check_entitlement(checked, number, person.pk, values["program"], year, held)
            self._check_account(checked, accounts.get(person.pk))
        return results

    def _paid_from(self, row, checked, program, enrolled) -> datetime.date | None:
        """The first day of the first period still to pay: after the last paid one, or after
        the enrolment (a filing pays from the next period)."""
        value = row.values.get("last_paid", "")
        if not value:
            return program.next_period_start(enrolled)
        last_day = _period_end(value)
        if last_day is None:
            checked.error(
                "last_paid",
                _("%(value)s is not a period; write YYYY-MM or YYYY.") % {"value": value},
            )
            return None
        start, end = program.payment_period(last_day)
        if start > self.today:
            checked.error("last_paid", _("That period has not begun, so it cannot have been paid."))
            return None
        if end < enrolled:
            checked.error("last_paid", _("The last paid period ends before the enrolment date."))
            return None
        return end + datetime.timedelta(days=1)

    def _check_account(self, checked: Checked, on_record: str | None) -> None:
        values = checked.values
        number, bank = values["account_number"], values["bank"]
        if on_record is not None:
            if number and number != on_record:
                checked.error(
                    "account_number",
                    _(
                        "Another account is on record for this person; the disbursement "
                        "officer corrects accounts."
                    ),
                )
            values["account_number"] = ""  # the one on record is used
            return
        if not number or not bank:
            # A recipient without an account would be skipped by every payment batch.
            checked.error(
                "account_number" if not number else "bank",
                _("No account is on record for this person: give the bank and account number."),
            )
            return
        try:
            validate_account_number(number)
        except ValidationError as error:
            checked.error("account_number", " ".join(error.messages))


def _period_end(value: str) -> datetime.date | None:
    """The last day of the span written: a year, a month, or one day."""
    try:
        if _YEAR.match(value):
            return datetime.date(int(value), 12, 31)
        month = _MONTH.match(value)
        if month:
            year, number = map(int, month.groups())
            return datetime.date(year, number, calendar.monthrange(year, number)[1])
        day = _DATE.match(value)
        if day:
            return datetime.date(*map(int, day.groups()))
    except ValueError:
        return None
    return None


# The fact columns of an application row and the values a form of the apply step accepts.
_FACT_VALUES = {
    "only_child_status": ONLY_CHILD_VALUES,
    "single_child_certificate": YES_NO_VALUES,
    "marriage_history": MARRIAGE_VALUES,
    "gave_up_second_birth": YES_NO_VALUES,
    "complication_grade": GRADE_VALUES,
    "university_admission": ADMISSION_VALUES,
    "poor_household": YES_NO_VALUES,
    "retired_enterprise_worker": YES_NO_VALUES,
}


class ApplicationChecker(_ProgramChecker):
    """New applications recorded as drafts on the families' behalf, with their declared facts,
    checked as the apply step checks them (``Application.clean``, the facts form)."""

    def check(self, rows: list[Row]) -> list[Checked]:
        results = []
        for row in rows:
            checked = Checked(row.number)
            facts = self.id_number(row, checked, "id_number")
            spouse = self.id_number(row, checked, "spouse", required=False)
            program = self.program(row, checked)
            if program is not None and not program.active:
                checked.error("program", _("This program is not accepting applications."))
            elif program is not None and program.standard_on(self.today) is None:
                checked.error("program", _("This program has no standard in force."))
            year = self._year(row, checked)
            if facts and spouse and facts.number == spouse.number:
                checked.error("spouse", _("The spouse cannot be the applicant."))
            checked.values.update(
                number=facts.number if facts else "",
                spouse_number=spouse.number if spouse else "",
                program=program,
                year=year,
                facts=self._facts(row, checked),
            )
            results.append(checked)
        numbers = {c.values["number"] for c in results if c.values["number"]}
        numbers |= {c.values["spouse_number"] for c in results if c.values["spouse_number"]}
        persons = self.persons(numbers)
        held = self.held({person.pk for person in persons.values()})
        for checked in results:
            values, number = checked.values, checked.values["number"]
            spouse = persons.get(values["spouse_number"]) if values["spouse_number"] else None
            if values["spouse_number"]:
                if spouse is None:
                    checked.error("spouse", _("No person with this ID number is on record."))
                elif not self.in_jurisdiction(spouse.region):
                    # As the apply step answers: what lies outside stays unnamed.
                    checked.error(
                        "spouse", _("The person is registered outside your jurisdiction.")
                    )
                    spouse = None
                else:
                    values["spouse"] = spouse.pk
            if not number:
                continue
            self.repeated(checked, "id_number", number)
            person = self.check_applicant(checked, "id_number", number, persons)
            if person is None:
                continue
            values["person"] = person.pk
            if spouse is not None and spouse.sex == person.sex:
                checked.error("spouse", SAME_SEX_SPOUSE)
            if values["program"] and values["year"]:
                self.check_entitlement(
                    checked, number, person.pk, values["program"], values["year"], held
                )
        return results

    def _year(self, row, checked) -> int | None:
        value = row.values.get("year", "")
        if not value:
            checked.error("year", _("This field is required."))
            return None
        if not _YEAR.match(value) or not (self.today.year - 1 <= int(value) <= self.today.year + 1):
            checked.error("year", _("Apply for last year, this year or next year."))
            return None
        return int(value)

    def _facts(self, row, checked) -> dict:
        """The declared facts through the apply step's own form."""
        data = {}
        for key in FactsForm.base_fields:
            value = row.values.get(key, "")
            data[key] = _FACT_VALUES.get(key, {}).get(value, value)
        form = FactsForm(data)
        if not form.is_valid():
            for key, messages in form.errors.items():
                checked.error(key, " ".join(messages))
            return {}
        return form.facts()


CHECKERS = {
    ImportKind.PERSONS: PersonChecker,
    ImportKind.RECIPIENTS: RecipientChecker,
    ImportKind.APPLICATIONS: ApplicationChecker,
}
