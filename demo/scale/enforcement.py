"""Enforcement cases, with their parties and decisions."""

import datetime
from collections import defaultdict

from django.db import transaction

from casework.factories import synthetic_name
from casework.models import CaseParty, CaseStatus, Disposition, EnforcementCase
from casework.models.cases import ClueSource, DispositionKind, DispositionStatus, PartyRole
from demo.scale.city import CHUNK, City, weighted
from permissions.roles import Role

# How the cases' statuses are spread.
CASE_STATUSES = {
    CaseStatus.CLUE: 6,
    CaseStatus.REGISTRATION_PROPOSED: 3,
    CaseStatus.DECLINE_PROPOSED: 1,
    CaseStatus.REGISTERED: 10,
    CaseStatus.DECISION_PROPOSED: 3,
    CaseStatus.DECIDED: 5,
    CaseStatus.CLOSING_PROPOSED: 2,
    CaseStatus.CLOSED: 60,
    CaseStatus.DECLINED: 10,
}


class Enforcement(City):
    """Enforcement cases in every status, across the city's villages."""

    def make_cases(self) -> None:
        total, rng = self.size.cases, self.rng
        counties = sorted({v.code[:6] + "000000" for v in self.villages})
        investigator = self.officers[Role.INVESTIGATOR]
        numbers: dict[tuple, int] = defaultdict(int)
        for start in range(0, total, CHUNK):
            with transaction.atomic():
                cases = []
                for _ in range(start, min(total, start + CHUNK)):
                    village = rng.choice(self.villages)
                    status = weighted(rng, CASE_STATUSES)
                    year = rng.choice(self.years)
                    received = datetime.date(year, rng.randint(1, 10), rng.randint(1, 28))
                    if received > self.today:
                        received = self.today - datetime.timedelta(days=rng.randrange(1, 60))
                        year = received.year
                    case = EnforcementCase(
                        region=village,
                        source=rng.choice(list(ClueSource.values)),
                        received_on=received,
                        subject=f"{synthetic_name(rng)}诊所",
                        summary="群众举报非医学需要胎儿性别鉴定",
                        status=status,
                        recorded_by=investigator,
                        recorded_at=self.now,
                    )
                    if status not in (
                        CaseStatus.CLUE,
                        CaseStatus.REGISTRATION_PROPOSED,
                        CaseStatus.DECLINE_PROPOSED,
                        CaseStatus.DECLINED,
                    ):
                        county = village.code[:6]
                        numbers[(county, year)] += 1
                        case.number = f"规{county}卫两非〔{year}〕{numbers[(county, year)]}号"
                        case.registered_on = received + datetime.timedelta(days=5)
                        case.decision_due = case.registered_on + datetime.timedelta(days=90)
                    cases.append(case)
                self.db.insert(cases, with_ids=True)
                parties, dispositions = [], []
                for case in cases:
                    if case.number is None:
                        continue
                    for n in range(rng.randint(1, 3)):
                        parties.append(
                            CaseParty(
                                case=case,
                                name=synthetic_name(rng),
                                role=PartyRole.values[n % len(PartyRole.values)],
                                is_medical_staff=rng.random() < 0.5,
                                from_outside=rng.random() < 0.1,
                                recorded_by=investigator,
                                recorded_at=self.now,
                            )
                        )
                self.db.insert(parties, with_ids=True)
                decided = (CaseStatus.DECIDED, CaseStatus.CLOSING_PROPOSED, CaseStatus.CLOSED)
                for party in parties:
                    if party.case.status in decided:
                        executed = party.case.status != CaseStatus.DECIDED
                        dispositions.append(
                            Disposition(
                                case=party.case,
                                party=party,
                                kind=DispositionKind.FINE,
                                amount_fen=rng.choice((500000, 1000000, 3000000)),
                                grounds="《人口与计划生育法》第三十九条",
                                status=(
                                    DispositionStatus.EXECUTED
                                    if executed
                                    else DispositionStatus.APPROVED
                                ),
                                executed_on=party.case.registered_on if executed else None,
                                proposed_by=investigator,
                                proposed_at=self.now,
                            )
                        )
                self.db.insert(dispositions)
            self.counts["cases"] += len(cases)
            self.progress.show("cases", self.counts["cases"], total)
        self.counts["counties"] = len(counties)
