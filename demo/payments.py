"""Demo payments of the rural reward: the recipients' bank accounts, last year's batch
approved, sent to the bank, settled and closed, and this year's batch approved and open."""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction

from casework import clock
from casework.models import (
    Application,
    ApplicationStatus,
    PaymentBatch,
    PaymentStatus,
    Program,
    Region,
)
from permissions.audit import Actor
from workflows import bank_files, payments
from workflows.transitions import perform

# Payments. The demo pays the rural reward: its periods are calendar years, so last period is
# last year, paid to the recipients filed the year before last, and this period is this year
# (on any day of the year, unlike months, whose batches need recipients filed some months ago).
BANK = "示范农村商业银行城关支行"
# Recipients, and a few applicants near the end of the chain, whose accounts are on record.
WITH_ACCOUNTS = [
    ApplicationStatus.ENROLLED,
    ApplicationStatus.SUSPENDED,
    ApplicationStatus.TERMINATED,
    ApplicationStatus.REVOKED,
    ApplicationStatus.APPROVED,
    ApplicationStatus.AWAITING_APPROVAL,
]


@dataclass(frozen=True)
class Payers:
    """The county's disbursement officer (builds, exports, imports, closes) and fund manager
    (approves): neither signed any eligibility step, nor may one do the other's part."""

    disburser: object
    fund_manager: object


def load_demo_accounts(disburser, county: Region, seed: int = 2026) -> int:
    """Bank accounts of the county's recipients, recorded the day after their filing, and of
    the applicants awaiting approval or filing, recorded today, except one recipient filed
    last year: this year's batch leaves them out (a skipped row). Returns how many."""
    rng = random.Random(seed)
    people = list(
        _in_county(Application.objects, county)
        .filter(program__code="rural-reward", status__in=WITH_ACCOUNTS)
        .select_related("applicant", "filing")
        .order_by("pk")
    )
    this_year = datetime.date(clock.today().year, 1, 1)
    new_recipients = [
        a for a in people if a.status == ApplicationStatus.ENROLLED and a.paid_from == this_year
    ]
    without = new_recipients[-1].pk if new_recipients else None
    recorded = 0
    for application in people:
        if application.pk == without:
            continue
        day = clock.today()
        if application.filing is not None:
            day = min(day, application.filing.filed_on + datetime.timedelta(days=1))
        with clock.pinned(day):
            payments.record_bank_account(
                Actor(disburser),
                application.applicant,
                BANK,
                f"621799{rng.randrange(10**13):013d}",
            )
        recorded += 1
    return recorded


def _in_county(queryset, county: Region):
    return queryset.filter(region_id__gte=county.code, region_id__lte=county.code[:6] + "999999")


def load_demo_last_period(payers: Payers, county: Region) -> PaymentBatch | None:
    """Last year's batch of the rural reward, built in June, approved by the fund manager, its
    bank file exported and sent; the bank's return is :func:`settle_demo_batch`. None when no
    recipient was paid from last year.

    The rural reward rather than a monthly special-assistance program: its period is the
    calendar year, so last period's recipients (filed the year before last, see
    ``FILED_YEARS_AGO`` in demo/applications.py) and this period's exist on any day of the
    year, with no second chain of facts for the special programs."""
    program = Program.objects.get(code="rural-reward")
    year = clock.today().year - 1
    disburser, fund_manager = Actor(payers.disburser), Actor(payers.fund_manager)
    with clock.pinned(datetime.date(year, 6, 1)):
        batch = payments.build(disburser, program=program, county=county, day=clock.today()).batch
    if batch is None:
        return None
    with clock.pinned(datetime.date(year, 6, 3)):
        batch = perform("approve", batch, fund_manager, {"opinion": "经审核，同意发放"})
    with clock.pinned(datetime.date(year, 6, 5)):
        _content_type, _name, chunks = bank_files.export(disburser, batch, "csv")
        for _chunk in chunks:
            pass
        batch = perform("mark_sent", batch, disburser, {})
    return batch


def settle_demo_batch(payers: Payers, batch: PaymentBatch) -> PaymentBatch:
    """The bank's return of a sent batch a week later (every payment made but one, to a closed
    account), then the batch closed; the paid recipients' letters are queued for the worker."""
    disburser = Actor(payers.disburser)
    day = batch.period_start.replace(month=6, day=12)
    failed = batch.payments.filter(status=PaymentStatus.PENDING).order_by("-pk").first()
    data = bank_files.return_file_for(batch, {failed.reference: "账户已销户"})
    with clock.pinned(day):
        bank_files.import_return(disburser, batch, data)
    with clock.pinned(day + datetime.timedelta(days=3)), transaction.atomic():
        batch = PaymentBatch.objects.get(pk=batch.pk)
        return perform("close", batch, disburser, {})


def load_demo_this_period(payers: Payers, county: Region) -> PaymentBatch | None:
    """This year's batch, built and approved today: open, waiting for its bank file. The
    recipient without an account on record is left out."""
    program = Program.objects.get(code="rural-reward")
    with transaction.atomic():
        built = payments.build(
            Actor(payers.disburser), program=program, county=county, day=clock.today()
        )
        if built.batch is None:
            return None
        return perform(
            "approve", built.batch, Actor(payers.fund_manager), {"opinion": "经审核，同意发放"}
        )
