"""Importing persons and households, enrolled recipients and new applications from a file.

upload → every row checked (preview, nothing saved) → the officer imports the valid rows, or
all rows only if every one is valid → one transaction writes them, each with an audit entry
naming the file and its SHA-256. Files longer than ``CASEWORK_IMPORT_INLINE_ROWS`` are checked
and imported by background jobs with progress. Rows are checked again when imported, against
the records as they are then, so a preview that went stale never writes a duplicate.
"""

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from casework import clock, jobs
from casework.imports import files
from casework.imports.columns import TEMPLATE_TITLES, columns_of, headers_of
from casework.models import (
    Application,
    ApplicationStatus,
    BankAccount,
    DataImport,
    Household,
    ImportKind,
    ImportMode,
    ImportStatus,
    Person,
)
from permissions import audit, rules
from permissions.audit import Actor, Change
from permissions.scoping import code_in_jurisdiction
from workflows import applications, processes
from workflows.import_checks import CHUNK, Checked, check_rows

JOB_KIND = "import"
IMPORTED = "imported"


def inline_rows() -> int:
    """Files with more rows than this are checked and imported in the background."""
    return settings.CASEWORK_IMPORT_INLINE_ROWS


def _check_may_import(officer, kind: str) -> None:
    if not rules.may_import(officer, kind):
        raise PermissionDenied(_("Your role may not import this kind of record."))


def already_imported(officer, sha256: str) -> DataImport | None:
    """The import of the same file (by SHA-256) the officer's office already made, if any."""
    return (
        DataImport.objects.filter(
            region_id=officer.jurisdiction_id, sha256=sha256, status=ImportStatus.IMPORTED
        )
        .only("file_name", "imported_at")
        .first()
    )


def _refuse_second_submission(officer, sha256: str) -> None:
    earlier = already_imported(officer, sha256)
    if earlier is not None:
        raise ValidationError(
            {
                "file": _(
                    "Your office already imported this very file (%(name)s) on %(date)s; it "
                    "is not imported twice."
                )
                % {
                    "name": earlier.file_name,
                    "date": timezone.localtime(earlier.imported_at).date().isoformat(),
                }
            }
        )


def upload(actor: Actor, kind: str, upload_file) -> DataImport:
    """Store an uploaded file and check its rows (in the background when it is long).

    Refused before anything is stored: a role that may not import, a file that is not XLSX or
    CSV or lacks a required column, and a file the office already imported.
    """
    officer = actor.officer
    _check_may_import(officer, kind)
    data = upload_file.read()
    files.check_size(data)
    sha256 = hashlib.sha256(data).hexdigest()
    _refuse_second_submission(officer, sha256)
    rows = files.count_rows(kind, data)
    if not rows:
        raise ValidationError({"file": _("The file has no rows under its header.")})
    extension = "xlsx" if files.is_xlsx(data) else "csv"
    name = (upload_file.name or f"import.{extension}").replace("\\", "/").rsplit("/", 1)[-1]
    with transaction.atomic():
        data_import = DataImport(
            kind=kind,
            file_name=name[:200],
            sha256=sha256,
            region_id=officer.jurisdiction_id,
            imported_by=officer,
            rows=rows,
        )
        data_import.file.save(f"{sha256}.{extension}", ContentFile(data), save=False)
        data_import.save()
        if rows > inline_rows():
            data_import.job = jobs.start_job(
                officer,
                JOB_KIND,
                _("Check %(name)s") % {"name": data_import.file_name},
                check_in_background,
                total=rows,
                import_id=data_import.pk,
            )
            data_import.save(update_fields=["job"])
            return data_import
    check(data_import)
    return data_import


def _read(data_import: DataImport) -> bytes:
    with data_import.file.open("rb") as handle:
        return handle.read()


def _errors_of(checked: Iterable[Checked]) -> tuple[list[Checked], list[dict], int]:
    """The valid rows, every error as ``{"row", "field", "message"}``, and the rows counted."""
    valid, errors, count = [], [], 0
    for row in checked:
        count += 1
        if row.valid:
            valid.append(row)
        errors += [{"row": row.row, "field": key, "message": text} for key, text in row.errors]
    return valid, errors, count


def check(data_import: DataImport, progress=None) -> list[Checked]:
    """Check every row of the stored file against the records as they are now; store the
    counts and errors for the preview and return the valid rows."""
    try:
        rows = files.read_rows(data_import.kind, _read(data_import))
        valid, errors, count = _errors_of(
            check_rows(data_import.kind, data_import.imported_by, rows, progress)
        )
    except ValidationError as error:
        # The file itself went bad (it was read at upload): one error for the whole file.
        valid, count = [], data_import.rows
        errors = [{"row": 0, "field": "", "message": message} for message in error.messages]
    data_import.rows, data_import.valid_rows, data_import.errors = count, len(valid), errors
    if data_import.status == ImportStatus.VALIDATING:
        data_import.status = ImportStatus.PREVIEWED
    data_import.save(update_fields=["rows", "valid_rows", "errors", "status"])
    return valid


def commit(actor: Actor, data_import: DataImport, mode: str) -> DataImport:
    """The officer's choice after the preview: import the valid rows, or every row only if
    none has an error. Long files are imported by a background job."""
    officer = actor.officer
    _check_may_import(officer, data_import.kind)
    if not code_in_jurisdiction(officer, data_import.region_id):
        raise PermissionDenied(_("This import belongs to another office."))
    if data_import.status != ImportStatus.PREVIEWED:
        raise ValidationError(_("This import is not waiting for your choice."))
    mode = ImportMode(mode)
    if mode == ImportMode.ALL_OR_NOTHING and data_import.errors:
        raise ValidationError(
            _("%(count)d rows have errors; correct the file, or import only the valid rows.")
            % {"count": data_import.invalid_rows}
        )
    if not data_import.valid_rows:
        raise ValidationError(_("No row is valid; nothing to import."))
    _refuse_second_submission(officer, data_import.sha256)
    if data_import.rows > inline_rows():
        with transaction.atomic():
            data_import.status, data_import.mode = ImportStatus.IMPORTING, mode
            data_import.job = jobs.start_job(
                officer,
                JOB_KIND,
                _("Import %(name)s") % {"name": data_import.file_name},
                import_in_background,
                total=data_import.rows,
                import_id=data_import.pk,
                mode=mode.value,
                client_address=actor.client_address,
            )
            data_import.save(update_fields=["status", "mode", "job"])
        return data_import
    return run_import(actor, data_import, mode)


def run_import(actor: Actor, data_import: DataImport, mode: str, progress=None) -> DataImport:
    """Check the rows again, then write the chosen ones in one transaction: all of them or
    none. Under ``all_or_nothing`` a row that has gone bad since the preview refuses the lot."""
    mode = ImportMode(mode)
    valid = check(data_import, progress)
    refusal = None
    if mode == ImportMode.ALL_OR_NOTHING and data_import.errors:
        refusal = _(
            "Rows have errors now (the records changed since the preview); nothing was imported."
        )
    elif not valid:
        refusal = _("No row is valid; nothing to import.")
    if refusal:
        data_import.status = ImportStatus.PREVIEWED
        data_import.save(update_fields=["status"])
        raise ValidationError(refusal)
    try:
        with transaction.atomic():
            changes = []
            for at in range(0, len(valid), CHUNK):
                chunk = valid[at : at + CHUNK]
                changes = WRITERS[ImportKind(data_import.kind)](actor, data_import, chunk)
                audit.record_many(actor, changes)
            data_import.status, data_import.mode = ImportStatus.IMPORTED, mode
            data_import.imported_rows, data_import.imported_at = len(valid), clock.now()
            data_import.save()
            audit.record(
                actor,
                "import",
                data_import,
                to_state=data_import.status,
                data={
                    **_file_facts(data_import),
                    "kind": data_import.kind,
                    "mode": mode.value,
                    "rows": data_import.rows,
                    "imported": len(valid),
                },
            )
    except IntegrityError:
        # Another import wrote the same records (or the same file) first.
        DataImport.objects.filter(pk=data_import.pk).update(status=ImportStatus.PREVIEWED)
        raise ValidationError(
            _("The records changed while importing; nothing was imported. Check the file again.")
        ) from None
    return data_import


def _file_facts(data_import: DataImport) -> dict:
    return {"file": data_import.file_name, "sha256": data_import.sha256, "import": data_import.pk}


def _row_change(data_import, obj, checked: Checked, **data) -> Change:
    to_state = getattr(obj, "status", "")
    return Change(
        IMPORTED,
        obj,
        to_state=to_state,
        data={**_file_facts(data_import), "row": checked.row, **data},
    )


def _write_persons(actor, data_import, chunk: list[Checked]) -> list[Change]:
    """New persons, and the households they join that are not on record yet."""
    numbers = {row.values["household"] for row in chunk if row.values["household"]}
    on_record = set(Household.objects.filter(number__in=numbers).values_list("number", flat=True))
    new = {}
    for row in chunk:
        number = row.values["household"]
        if number and number not in on_record and number not in new:
            new[number] = Household(
                number=number, region_id=row.values["region"], address=row.values["address"]
            )
    Household.objects.bulk_create(new.values())
    households = dict(Household.objects.filter(number__in=numbers).values_list("number", "pk"))
    persons = [
        Person(
            id_number=row.values["id_number"],
            name=row.values["name"],
            sex=row.values["sex"],
            birth_date=row.values["birth_date"],
            region_id=row.values["region"],
            household_id=households.get(row.values["household"]),
            hukou=row.values["hukou"],
            phone=row.values["phone"],
        )
        for row in chunk
    ]
    Person.objects.bulk_create(persons)
    _fill_pks(persons, Person, "id_number")
    return [
        _row_change(
            data_import,
            person,
            row,
            household=row.values["household"],
            new_household=row.values["household"] in new,
        )
        for person, row in zip(persons, chunk, strict=True)
    ]


def _fill_pks(objects, model, key: str) -> None:
    """Primary keys for rows ``bulk_create`` could not return them for (no RETURNING)."""
    if all(obj.pk is not None for obj in objects):
        return
    ids = dict(
        model.objects.filter(**{f"{key}__in": [getattr(o, key) for o in objects]}).values_list(
            key, "pk"
        )
    )
    for obj in objects:
        obj.pk = ids[getattr(obj, key)]


def _write_recipients(actor, data_import, chunk: list[Checked]) -> list[Change]:
    """Recipients enrolled before the system: created at ``enrolled`` (not a transition), paid
    from the period after the last one paid, each with its process at the enrolled task."""
    officer, at = actor.officer, clock.now()
    created = [
        Application(
            program=row.values["program"],
            year=row.values["enrolled_since"].year,
            applicant_id=row.values["person"],
            region_id=row.values["region"],
            status=ApplicationStatus.ENROLLED,
            paid_from=row.values["paid_from"],
            created_by=officer,
        )
        for row in chunk
    ]
    Application.objects.bulk_create(created)
    if any(application.pk is None for application in created):
        raise RuntimeError("Importing recipients needs a database that returns new keys.")
    BankAccount.objects.bulk_create(
        BankAccount(
            person_id=row.values["person"],
            bank=row.values["bank"],
            account_number=row.values["account_number"],
            recorded_by=officer,
            recorded_at=at,
            # Pays the periods from the first one not yet paid.
            effective_from=row.values["paid_from"],
        )
        for row in chunk
        if row.values["account_number"]
    )
    processes.start_following(created)
    return [
        _row_change(
            data_import,
            application,
            row,
            enrolled_since=row.values["enrolled_since"].isoformat(),
            paid_from=row.values["paid_from"].isoformat(),
            last_paid=row.values["last_paid"],
            new_account=bool(row.values["account_number"]),
        )
        for application, row in zip(created, chunk, strict=True)
    ]


def _write_applications(actor, data_import, chunk: list[Checked]) -> list[Change]:
    """New applications through the apply step itself, as drafts: the declaration form is
    issued for the family's signature when the officer submits each one."""
    changes = []
    for row in chunk:
        application = applications.apply(
            actor,
            Application(
                program=row.values["program"],
                year=row.values["year"],
                applicant_id=row.values["person"],
                spouse_id=row.values.get("spouse"),
            ),
            row.values["facts"],
            submit=False,
        )
        changes.append(_row_change(data_import, application, row))
    return changes


WRITERS = {
    ImportKind.PERSONS: _write_persons,
    ImportKind.RECIPIENTS: _write_recipients,
    ImportKind.APPLICATIONS: _write_applications,
}


@task()
def check_in_background(job_id: str, import_id: int) -> None:
    """The background check of a long file, with progress per chunk of rows."""
    with jobs.running(job_id) as job:
        data_import = DataImport.objects.select_related("imported_by").get(pk=import_id)
        try:
            check(data_import, progress=job.advance)
        except Exception:
            DataImport.objects.filter(pk=import_id).update(status=ImportStatus.FAILED)
            raise
        job.result = {"import": data_import.pk, "valid": data_import.valid_rows}


@task()
def import_in_background(job_id: str, import_id: int, mode: str, client_address=None) -> None:
    """The background import of a long file: checked again (with progress), then written in
    one transaction. A refusal leaves the import at its preview with the new errors."""
    with jobs.running(job_id) as job:
        data_import = DataImport.objects.select_related("imported_by").get(pk=import_id)
        actor = Actor(job.started_by, client_address=client_address)
        try:
            run_import(actor, data_import, mode, progress=job.advance)
        except ValidationError as error:
            job.result = {"import": import_id, "refused": " ".join(error.messages)}
            return
        except Exception:
            DataImport.objects.filter(pk=import_id).update(status=ImportStatus.FAILED)
            raise
        job.result = {"import": import_id, "imported": data_import.imported_rows}


def template_file(kind: str) -> tuple[str, bytes]:
    """The template of ``kind``: its file name and bytes."""
    return f"{TEMPLATE_TITLES[ImportKind(kind)]}.xlsx", files.template_bytes(kind)


@dataclass(frozen=True)
class PreviewRow:
    """One row of the preview: its number, its cells (each flagged when it has an error), and
    its errors as "column: message"."""

    number: int
    cells: list[tuple[str, bool]]
    errors: list[str]


class PreviewRows:
    """The rows of an import (or only those with errors) as a sequence the paginator slices;
    each page is read from the stored file, stopping at the page's last row, so a 50,000-row
    preview never holds the file's rows."""

    def __init__(self, data_import: DataImport, *, errors_only: bool = False):
        self.data_import = data_import
        self.numbers = data_import.error_rows if errors_only else None
        self.errors = defaultdict(list)
        for error in data_import.errors:
            self.errors[error["row"]].append(error)

    def count(self) -> int:
        return len(self.numbers) if self.numbers is not None else self.data_import.rows

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[PreviewRow]:
        kind, data = self.data_import.kind, _read(self.data_import)
        try:
            if self.numbers is not None:
                rows = files.rows_numbered(kind, data, set(self.numbers[index]))
            else:
                rows = files.rows_numbered(kind, data, start=index.start, stop=index.stop)
        except ValidationError:
            return []
        headers = headers_of(kind)
        keys = [column.key for column in columns_of(kind)]
        preview = []
        for row in rows:
            errors = self.errors.get(row.number, [])
            bad = {error["field"] for error in errors}
            preview.append(
                PreviewRow(
                    row.number,
                    [(row.values[key], key in bad) for key in keys],
                    [f"{headers.get(e['field'], e['field'])}：{e['message']}" for e in errors],
                )
            )
        return preview


def file_errors(data_import: DataImport) -> list[str]:
    """Errors about the file as a whole (it could not be read again), not about a row."""
    return [error["message"] for error in data_import.errors if not error.get("row")]
