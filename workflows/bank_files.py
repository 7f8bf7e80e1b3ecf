"""The files exchanged with the bank for a payment batch.

Out: the bank file (代发文件), CSV (UTF-8 with BOM, as Excel and the banks' upload tools read
it) or XLSX: one row per payment — sequence, reference, account holder, whole ID number (the
bank checks it against the account), bank, account number, amount in yuan, memo — and a last
row with the count and the total. Both are written row by row, never holding the batch in
memory. A contribution's row pays the insurer's account: the holder is the insurer, the ID
number column is left blank (the insurer has none) and the memo names the insured person and
their ID number.

In: the bank's return file (回盘文件), CSV: reference, account number, amount, result
(成功 / 失败) and the bank's reason, and the same total row. It is checked whole before anything
is written: an unknown, foreign or repeated reference, an account or amount that differs, a
missing payment or a total that does not add up refuses the whole file, naming each row.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import clock, money
from casework.id_numbers import mask_name
from casework.models import Payment, PaymentBatch, PaymentStatus
from casework.models.payments import BANK_FILE_EXPORTED
from casework.money import yuan
from casework.uploads import decode_text
from casework.workbooks import XLSX, sheet_bytes
from documents import issuing
from documents.kinds import DocumentKind
from documents.rendering import chinese_date
from documents.tasks import start_batch
from permissions import rules
from permissions.audit import Actor
from workflows.payments import check_batch_separation
from workflows.transitions import OpinionForm, Step, Steps, move, perform

BANK_FILE_COLUMNS = [
    "序号",
    "参考号",
    "户名",
    "身份证号码",
    "开户银行",
    "账号",
    "金额（元）",
    "摘要",
]
RETURN_COLUMNS = ["参考号", "账号", "金额（元）", "结果", "原因"]
TOTAL = "合计"
PAID, FAILED = "成功", "失败"
# The largest return file accepted (a county's batch is some tens of thousands of rows).
MAX_RETURN_BYTES = 20 * 1024 * 1024


def _rows(batch: PaymentBatch) -> Iterator[list]:
    """The payment rows of the bank file. A contribution's row pays the insurer: the account
    holder is the insurer, and the memo names whom it is paid for (the insurer credits each
    insured person by it)."""
    program = batch.program
    memo = f"{program.name}{batch.period_start:%Y年%m月}"
    payments = (
        batch.payments.exclude(status=PaymentStatus.CANCELLED)
        .order_by("id")
        .values_list(
            "reference",
            "application__applicant__name",
            "application__applicant__id_number",
            "bank",
            "account_number",
            "amount_fen",
        )
    )
    for n, (reference, name, id_number, bank, account, amount_fen) in enumerate(
        payments.iterator(2000), start=1
    ):
        amount = f"{yuan(amount_fen):.2f}"
        if program.pays_insurer:
            # The ID number column is the account holder's, which the bank checks against the
            # account: the insurer has none, so the insured person's goes in the memo.
            insured = f"养老保险代缴 {name} {id_number} {period_label(batch)}"
            yield [n, reference, program.payee_name, "", bank, account, amount, insured]
        else:
            yield [n, reference, name, id_number, bank, account, amount, memo]


def period_label(batch: PaymentBatch) -> str:
    """The period a batch pays, as letters and memos write it: 2026年度, 2026年上半年,
    2026年10月至12月, 2026年03月."""
    start, end = batch.period_start, batch.period_end
    if start.month == end.month:
        return f"{start:%Y年%m月}"
    if (start.month, end.month) == (1, 12):
        return f"{start.year}年度"
    if (start.month, end.month) == (1, 6):
        return f"{start.year}年上半年"
    if (start.month, end.month) == (7, 12):
        return f"{start.year}年下半年"
    return f"{start:%Y年%m月}至{end:%m月}"


def _total_row(batch) -> list:
    return [TOTAL, batch.payment_count, "", "", "", "", f"{batch.total:.2f}", ""]


def export(actor: Actor, batch: PaymentBatch, file_format: str):
    """Record the export (status, audit) and return the file's content type, name and an
    iterator of its chunks; refused to the batch's approver and to eligibility signers."""
    batch = perform("export", batch, actor, {"opinion": file_format})
    return _bank_file(batch, file_format)


def download(actor: Actor, batch: PaymentBatch, file_format: str):
    """The bank file of a batch already exported, as :func:`export` returns it, changing
    nothing (no status, no audit entry): a GET may fetch it again. Open to those who may
    export it, and refused to the same officers."""
    if not rules.may_disburse_batch(actor.officer, batch):
        raise PermissionDenied(_("Your role may not do this here."))
    check_batch_separation(actor.officer, batch, disbursing=True)
    if batch.status not in BANK_FILE_EXPORTED:
        raise ValidationError(
            _("Export the bank file first; once exported it can be downloaded again.")
        )
    return _bank_file(batch, file_format)


def _bank_file(batch: PaymentBatch, file_format: str):
    name = f"代发-{batch.program_id}-{batch.period_start:%Y%m}-{batch.pk}"
    if file_format == "xlsx":
        return (
            XLSX,
            f"{name}.xlsx",
            iter([_xlsx(batch)]),
        )
    return "text/csv; charset=utf-8", f"{name}.csv", _csv(batch)


def _csv(batch) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(row) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(row)
        return buffer.getvalue()

    yield "\ufeff" + line(BANK_FILE_COLUMNS)
    for row in _rows(batch):
        yield line(row)
    yield line(_total_row(batch))


def _xlsx(batch) -> bytes:
    return sheet_bytes("代发", [BANK_FILE_COLUMNS, *_rows(batch), _total_row(batch)])


@dataclass(frozen=True)
class ReturnRow:
    line: int
    payment: Payment
    paid: bool
    reason: str


def read_return_file(batch: PaymentBatch, data: bytes) -> list[ReturnRow]:
    """Check a return file against the batch; raise ValidationError naming every bad row."""
    if len(data) > MAX_RETURN_BYTES:
        raise ValidationError({"file": _("The file is larger than 20 MB.")})
    text = decode_text(data)
    lines = list(csv.reader(io.StringIO(text)))
    if not lines or [cell.strip() for cell in lines[0]] != RETURN_COLUMNS:
        raise ValidationError(
            {
                "file": _("The first row must be: %(columns)s")
                % {"columns": ",".join(RETURN_COLUMNS)}
            }
        )
    payments = {
        p.reference: p for p in batch.payments.filter(status=PaymentStatus.PENDING).order_by()
    }
    errors, rows, seen, total_row = [], [], set(), None
    for number, cells in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        cells = [cell.strip() for cell in cells] + [""] * (5 - len(cells))
        if cells[0] == TOTAL:
            total_row = (number, cells)
            continue
        problem, row = _check_row(number, cells, payments, seen)
        if problem:
            errors.append(problem)
        else:
            rows.append(row)
    errors += _check_total(total_row, rows, payments, seen)
    if errors:
        raise ValidationError({"file": errors})
    return rows


def _check_row(number, cells, payments, seen) -> tuple[str, ReturnRow | None]:
    reference, account, amount, result, reason = cells[:5]
    payment = payments.get(reference)
    if payment is None:
        return _("Row %(n)s: reference %(ref)s is not a pending payment of this batch.") % {
            "n": number,
            "ref": reference or "—",
        }, None
    if reference in seen:
        return _("Row %(n)s: reference %(ref)s appears twice.") % {
            "n": number,
            "ref": reference,
        }, None
    seen.add(reference)
    if account != payment.account_number:
        return _("Row %(n)s: the account number differs from the bank file.") % {"n": number}, None
    if _amount(amount) != payment.amount:
        return _("Row %(n)s: the amount differs from the bank file.") % {"n": number}, None
    if result not in (PAID, FAILED):
        return _("Row %(n)s: the result must be 成功 or 失败.") % {"n": number}, None
    if result == FAILED and not reason:
        return _("Row %(n)s: a failed payment needs the bank's reason.") % {"n": number}, None
    return "", ReturnRow(number, payment, result == PAID, reason[:200])


def _amount(text: str) -> Decimal | None:
    try:
        return Decimal(text).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return None


def _check_total(total_row, rows, payments, seen) -> list[str]:
    errors = []
    missing = len(set(payments) - seen)
    if missing:
        errors.append(
            _("%(n)s payments of the batch are missing from the file; send the whole return.")
            % {"n": missing}
        )
    if total_row is None:
        return errors + [_("The last row must be the total (合计, count, amount).")]
    number, cells = total_row
    amount = sum((row.payment.amount for row in rows), Decimal("0.00"))
    if cells[1] != str(len(rows)) or _amount(cells[2]) != amount:
        errors.append(
            _("Row %(n)s: the total does not add up to the rows (%(count)s rows, %(amount)s).")
            % {"n": number, "count": len(rows), "amount": f"{amount:.2f}"}
        )
    return errors


def import_return(actor: Actor, batch: PaymentBatch, data: bytes) -> dict:
    """Import the bank's return file whole (or nothing): each payment becomes paid or failed
    with the bank's reason, and the batch is reconciled."""
    upload = SimpleUploadedFile("return.csv", data, content_type="text/csv")
    batch = perform("import_return", batch, actor, {}, {"file": upload})
    return batch.import_summary


class ExportForm(OpinionForm):
    pass


class ReturnFileForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("The bank's return file (CSV)"))


def _export(batch, actor, data):
    check_batch_separation(actor.officer, batch, disbursing=True)
    with transaction.atomic():
        return move(batch, "export", actor, data={"format": data.get("opinion", "")})


def _import_return(batch, actor, data):
    check_batch_separation(actor.officer, batch, disbursing=True)
    rows = read_return_file(batch, data["file"].read())
    at = clock.now()
    paid = [row.payment.pk for row in rows if row.paid]
    with transaction.atomic():
        Payment.objects.filter(pk__in=paid).update(status=PaymentStatus.PAID, settled_at=at)
        for row in rows:
            if not row.paid:
                Payment.objects.filter(pk=row.payment.pk).update(
                    status=PaymentStatus.FAILED, bank_reason=row.reason, settled_at=at
                )
        summary = {
            "paid": len(paid),
            "failed": len(rows) - len(paid),
            "paid_fen": sum(r.payment.amount_fen for r in rows if r.paid),
        }
        job = _letters(batch, paid, actor)
        summary["letters_job"] = str(job.pk) if job else None
        current = move(batch, "import_return", actor, data=summary)
    current.import_summary = summary
    return current


def _letters(batch, paid_ids, actor):
    """One signed notification letter (告知书) per paid recipient, issued in the background
    with progress (a county's batch is thousands of letters), when the program issues them.
    A contribution's letter says it was paid to the insurer (``payee``)."""
    program = batch.program
    if not paid_ids or not program.issues(DocumentKind.PAYMENT_LETTER):
        return None
    office = issuing.office_for(batch.region_id)
    paid_on = chinese_date(clock.today())
    period = period_label(batch)
    # Ordinary letters carry no payee: the template then says the money went to the
    # recipient's own account, as it always has.
    payee = {"payee": program.payee_name} if program.pays_insurer else {}
    # A contribution program's name already says 代缴 (养老保险代缴…): no 发放 after it.
    title = f"{program.name}告知书" if program.pays_insurer else f"{program.name}发放告知书"
    # The verification page names the recipient; the insurer, not they, received a contribution.
    whom = "参保人" if program.pays_insurer else "收款人"
    requests = []
    payments = (
        Payment.objects.filter(pk__in=paid_ids)
        .select_related("application__applicant", "application__region")
        .order_by("id")
    )
    for payment in payments.iterator(2000):
        applicant = payment.application.applicant
        requests.append(
            issuing.IssueRequest(
                kind=DocumentKind.PAYMENT_LETTER,
                office=office,
                region=payment.application.region,
                title=title,
                data={
                    "recipient": applicant.name,
                    "program": program.name,
                    "period": period,
                    "amount": f"{payment.amount:.2f}",
                    "amount_in_words": money.in_words(payment.amount_fen),
                    "bank": payment.bank,
                    "account": payment.masked_account_number,
                    "paid_on": paid_on,
                    "phone": office.phone,
                    **payee,
                },
                public_summary=[
                    (whom, mask_name(applicant.name)),
                    ("发放期间", period),
                    ("金额", f"{payment.amount:.2f}元"),
                ],
                subject=payment,
            )
        )
    return start_batch(actor.officer, f"{batch}告知书", requests)


# This module's steps and audit actions; workflows/steps.py registers them.
DECLARED = (
    Steps(
        PaymentBatch,
        (
            Step(
                "export",
                gettext_lazy("Export the bank file"),
                "export",
                _export,
                rules.may_disburse_batch,
                form=ExportForm,
            ),
            Step(
                "import_return",
                gettext_lazy("Import the bank's return file"),
                "import_return",
                _import_return,
                rules.may_disburse_batch,
                form=ReturnFileForm,
                issues=(DocumentKind.PAYMENT_LETTER,),
            ),
        ),
    ),
)


def return_file_for(batch: PaymentBatch, failures: dict[str, str] | None = None) -> bytes:
    """A return file as the bank would send it (for the demo and tests): every pending payment
    paid, except the references in ``failures`` (reference → reason)."""
    failures = failures or {}
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(RETURN_COLUMNS)
    count, total = 0, Decimal("0.00")
    for payment in batch.payments.filter(status=PaymentStatus.PENDING).order_by("id"):
        failed = payment.reference in failures
        writer.writerow(
            [
                payment.reference,
                payment.account_number,
                f"{payment.amount:.2f}",
                FAILED if failed else PAID,
                failures.get(payment.reference, ""),
            ]
        )
        count, total = count + 1, total + payment.amount
    writer.writerow([TOTAL, count, f"{total:.2f}", "", ""])
    return buffer.getvalue().encode("utf-8")
