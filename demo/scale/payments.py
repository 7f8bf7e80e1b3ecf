"""The recipients' bank accounts, and the payments of every period already paid, by batch."""

import datetime

from django.db import transaction

from casework.models import BankAccount, Payment, PaymentBatch
from casework.models.payments import BatchStatus, PaymentStatus
from demo.scale.city import CHUNK, City
from permissions.roles import Role

BANK = "示范农村商业银行"


class Payments(City):
    """The accounts and payments of each chunk of applications, and the batches they fill."""

    def _accounts_and_payments(self, plans) -> None:
        recipients = [p for p in plans if p.paid_from is not None]
        # New applicants give their bank card with the application.
        holders = plans if self.size.new_round else recipients
        accounts = {p.id: f"621799{p.applicant[1][6:14]}{p.id % 100000:05d}" for p in holders}
        self.db.insert_rows(
            BankAccount,
            (
                "person_id",
                "bank",
                "account_number",
                "recorded_by_id",
                "recorded_at",
                "effective_from",
            ),
            (
                (
                    p.applicant[0],
                    BANK,
                    accounts[p.id],
                    self.clerk.pk,
                    self.now,
                    p.paid_from or self.today,
                )
                for p in holders
            ),
        )
        payments = []
        current = self.today.replace(day=1)
        for p in recipients:
            program, start = p.program, p.paid_from
            last = p.paid_until or datetime.date.max
            while True:
                period_start, period_end = program.payment_period(start)
                if period_end >= current or period_end > last:
                    break
                batch = self._batch(program, p.region_id[:6] + "000000", period_start, period_end)
                standard = program.standard_on(period_start)
                batch.payment_count += 1
                batch.total_fen += standard.payment_fen
                payments.append(
                    (
                        batch.pk,
                        p.id,
                        period_start,
                        standard.payment_fen,
                        BANK,
                        accounts[p.id],
                        f"SD{batch.pk:06d}{batch.payment_count:07d}",
                        PaymentStatus.PAID.value,
                        self.now,
                    )
                )
                if standard.period == "once":
                    break
                start = period_end + datetime.timedelta(days=1)
        self.counts["payments"] += self.db.insert_rows(
            Payment,
            (
                "batch_id",
                "application_id",
                "period_start",
                "amount_fen",
                "bank",
                "account_number",
                "reference",
                "status",
                "settled_at",
            ),
            payments,
        )

    def _batch(self, program, county: str, start, end) -> PaymentBatch:
        key = (program.pk, county, start)
        if key not in self.batches:
            self.batches[key] = PaymentBatch.objects.create(
                program=program,
                region_id=county,
                period_start=start,
                period_end=end,
                status=BatchStatus.CLOSED,
                built_by=self.officers[Role.FUND_MANAGER],
                built_at=self.now,
            )
        return self.batches[key]

    def close_batches(self) -> None:
        """Write each batch's count and total, summed while its payments were made."""
        with transaction.atomic():
            PaymentBatch.objects.bulk_update(
                list(self.batches.values()), ["payment_count", "total_fen"], batch_size=CHUNK
            )
        self.counts["payment batches"] = len(self.batches)
