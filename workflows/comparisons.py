"""The half-yearly data comparison with other departments (半年数据比对): deaths, household moves,
hukou changes and marriages found in 公安, 民政, 教育 or 统计 extracts reach the recipients' files.

A township or county officer uploads an extract (``compare``). Each row is checked: a valid ID
number, a known 事项, a date not after today. A row naming an applicant, recipient or
certificate holder of the officer's jurisdiction becomes a finding; other rows are counted,
not shown. An officer confirms a finding, which makes the change it calls for, or dismisses
it with an opinion:

- a death ends an entitlement as an approved death change does (paid through the period of the
  death), withdraws a pending application, revokes an issued certificate;
- a household moved out, or a hukou changed where the program asks for a rural hukou, suspends
  the entitlement from the next period, for the township to verify;
- a marriage sends an issued certificate back to be verified again;
- anything else is written in the file's history (an audit entry on the application).
"""

import datetime
import hashlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import clock
from casework.id_numbers import normalize_id_number, parse_id_number
from casework.imports.columns import COMPARISON
from casework.imports.files import check_size, read_rows
from casework.models import (
    Application,
    ApplicationStatus,
    CertificateStatus,
    Comparison,
    ComparisonFinding,
    ComparisonSource,
    FindingKind,
    FindingStatus,
    MigrantCertificate,
    Person,
)
from casework.models.applications import ENDED
from casework.models.comparisons import KIND_WORDS, half_year_of
from permissions import audit, rules
from permissions.audit import Actor
from permissions.scoping import code_in_jurisdiction, visible_to
from workflows import changes, recipients
from workflows.transitions import OpinionForm, ReasonForm, Step, Steps, move

S = ApplicationStatus
# Recipients: payments run or are only suspended. Any other application not ended is pending.
RECIPIENTS = changes.RECIPIENT_STATUSES
# How a finding's message names the department: stored as data, the same in every language.
SOURCE_WORDS = {
    ComparisonSource.PUBLIC_SECURITY: "公安",
    ComparisonSource.CIVIL_AFFAIRS: "民政",
    ComparisonSource.EDUCATION: "教育",
    ComparisonSource.STATISTICS: "统计",
}
# The most rows compared in one request; a larger extract is split by township.
MAX_ROWS = 20_000


def compare(actor: Actor, source: str, data: bytes, file_name: str) -> Comparison:
    """Compare another department's extract with the records of the officer's jurisdiction:
    every row is checked, and each that touches an applicant, recipient or certificate holder
    of the jurisdiction becomes an open finding. The same file twice is refused."""
    officer = actor.officer
    if not rules.may_compare(officer):
        raise PermissionDenied(_("Your role may not compare other departments' data."))
    if source not in ComparisonSource.values:
        raise ValidationError({"source": _("Choose the department the extract comes from.")})
    check_size(data)
    sha256 = hashlib.sha256(data).hexdigest()
    if Comparison.objects.filter(region_id=officer.jurisdiction_id, sha256=sha256).exists():
        raise ValidationError({"file": _("This file has been compared already.")})
    today = clock.today()
    rows, errors = _read(data, today)
    people = _people_touched({row.id_number for row in rows}, officer)
    comparison = Comparison(
        source=source,
        region_id=officer.jurisdiction_id,
        half_year=half_year_of(today),
        file_name=file_name[:200],
        sha256=sha256,
        uploaded_by=officer,
        uploaded_at=clock.now(),
        rows=len(rows) + len(errors),
        errors=errors,
    )
    source_label = SOURCE_WORDS[source]
    findings = []
    for row in rows:
        touched = people.get(row.id_number)
        if touched is None:
            comparison.outside += 1
            continue
        person, application, certificate = touched
        if person.name != row.name:
            errors.append(
                {
                    "row": row.number,
                    "message": _("The name %(name)s does not match the ID number on record.")
                    % {"name": row.name},
                }
            )
            continue
        findings.append(
            ComparisonFinding(
                row=row.number,
                person=person,
                region_id=person.region_id,
                application=application,
                certificate=certificate,
                kind=row.kind,
                happened_on=row.day,
                message=f"{source_label}：{row.event} {row.day.isoformat()} {row.note}".strip()[
                    :200
                ],
            )
        )
    errors.sort(key=lambda error: error["row"])
    try:
        with transaction.atomic():
            comparison.save()
            for finding in findings:
                finding.comparison = comparison
            ComparisonFinding.objects.bulk_create(findings)
            audit.record(
                actor,
                "compare",
                comparison,
                data={
                    "source": source,
                    "rows": comparison.rows,
                    "findings": len(findings),
                    "outside": comparison.outside,
                    "errors": len(errors),
                },
            )
    except IntegrityError:
        # The same file uploaded twice at once: the database keeps one.
        raise ValidationError({"file": _("This file has been compared already.")}) from None
    return comparison


@dataclass(frozen=True)
class _Row:
    number: int
    id_number: str
    name: str
    event: str
    kind: str
    day: datetime.date
    note: str


def _read(data: bytes, today: datetime.date) -> tuple[list[_Row], list[dict]]:
    """The file's good rows, and an error for each bad one (row number and why)."""
    rows, errors = [], []
    for row in read_rows(COMPARISON, data):
        if len(rows) + len(errors) >= MAX_ROWS:
            raise ValidationError(
                {
                    "file": _("At most %(n)s rows at a time: split the extract by township.")
                    % {"n": MAX_ROWS}
                }
            )
        values = {key: value.strip() for key, value in row.values.items()}
        problem, parsed = _check_row(row.number, values, today)
        if problem:
            errors.append({"row": row.number, "message": problem})
        else:
            rows.append(parsed)
    return rows, errors


def _check_row(number: int, values: dict, today: datetime.date) -> tuple[str, _Row | None]:
    try:
        id_number = parse_id_number(normalize_id_number(values["id_number"])).number
    except ValidationError:
        return _("The ID number is not valid."), None
    if not values["name"]:
        return _("The name is missing."), None
    kind = KIND_WORDS.get(values["event"])
    if kind is None:
        return _("Unknown 事项 %(event)s: use 死亡, 户籍迁出, 户籍性质变更 or 婚姻登记.") % {
            "event": values["event"] or "—"
        }, None
    try:
        day = datetime.date.fromisoformat(values["date"])
    except ValueError:
        return _("The date is not a date (YYYY-MM-DD)."), None
    if day > today:
        return _("The date is after today."), None
    return "", _Row(
        number, id_number, values["name"], values["event"], kind, day, values["note"][:100]
    )


def _people_touched(numbers: set[str], officer) -> dict[str, tuple]:
    """Of the ID numbers, those of people of the officer's jurisdiction who apply, receive or
    hold a certificate: person, their live application (a recipient's first), their live
    certificate."""
    people = {
        person.id_number: person
        for person in visible_to(officer, Person).filter(id_number__in=numbers)
        if code_in_jurisdiction(officer, person.region_id)
    }
    live = {}
    for application in (
        Application.objects.filter(applicant__in=people.values())
        .exclude(status__in=ENDED)
        .select_related("applicant")
        .order_by("id")
    ):
        number = application.applicant.id_number
        current = live.get(number)
        if current is None or (
            application.status in RECIPIENTS and current.status not in RECIPIENTS
        ):
            live[number] = application
    certificates = {
        certificate.person_id: certificate
        for certificate in MigrantCertificate.objects.filter(
            person__in=people.values(), status=CertificateStatus.ISSUED
        ).order_by("id")
    }
    touched = {}
    for number, person in people.items():
        application, certificate = live.get(number), certificates.get(person.pk)
        if application is not None or certificate is not None:
            touched[number] = (person, application, certificate)
    return touched


# Deciding a finding.


def _confirm(finding: ComparisonFinding, actor: Actor, data) -> ComparisonFinding:
    opinion = data.get("opinion", "")
    reason = _("%(message)s (data comparison, row %(row)s)") % {
        "message": finding.message,
        "row": finding.row,
    }
    with transaction.atomic():
        done = _act(finding, actor, reason)
        return move(
            finding,
            "confirm",
            actor,
            opinion=opinion,
            data={"outcome": done},
            officer=actor.officer,
            at=clock.now(),
            opinion_text=opinion,
            outcome="；".join(done) or str(_("recorded in the file")),
        )


def _act(finding: ComparisonFinding, actor: Actor, reason: str) -> list[str]:
    """Make the change the finding calls for on the person's live applications and
    certificate; what was done, for the finding's outcome."""
    done = []
    applications = (
        Application.objects.filter(applicant_id=finding.person_id)
        .exclude(status__in=ENDED)
        .select_related("program", "applicant__household")
    )
    for application in applications:
        done.append(_act_on_application(finding, application, actor, reason))
    certificate = MigrantCertificate.objects.filter(
        person_id=finding.person_id, status=CertificateStatus.ISSUED
    ).first()
    if certificate is not None:
        if finding.kind == FindingKind.DEATH:
            move(certificate, "revoke", actor, opinion=reason, reason=reason)
            done.append(_("certificate %(n)s revoked") % {"n": certificate.pk})
        elif finding.kind == FindingKind.MARRIAGE:
            move(certificate, "amend", actor, opinion=reason)
            done.append(_("certificate %(n)s to be verified again") % {"n": certificate.pk})
    return done


def _act_on_application(finding, application, actor, reason) -> str:
    label = {"n": application.pk, "program": application.program.name}
    if finding.kind == FindingKind.DEATH:
        if application.status in RECIPIENTS:
            changes.death_reported(actor, application, finding.happened_on, reason)
            return _("entitlement %(n)s (%(program)s) terminated") % label
        move(application, "withdraw", actor, opinion=reason, reason=reason)
        return _("application %(n)s (%(program)s) withdrawn") % label
    if application.status == S.ENROLLED and _calls_for_suspension(finding, application):
        move(
            application,
            "suspend",
            actor,
            opinion=reason,
            reason=reason,
            paid_until=recipients.payments_stop(application),
        )
        return _("entitlement %(n)s (%(program)s) suspended for verification") % label
    audit.record(
        actor,
        "comparison_finding",
        application,
        opinion=reason,
        data={"finding": finding.pk, "kind": finding.kind},
    )
    return _("noted in application %(n)s") % label


def _calls_for_suspension(finding, application) -> bool:
    """A move out of the registration area, or a hukou change where the program asks for a
    rural hukou, may end the entitlement: payments stop until the township has verified."""
    if finding.kind == FindingKind.MOVED_OUT:
        return True
    if finding.kind == FindingKind.HUKOU_CHANGE:
        return application.program.conditions.filter(condition="rural_hukou").exists()
    return False


def _dismiss(finding: ComparisonFinding, actor: Actor, data) -> ComparisonFinding:
    with transaction.atomic():
        return move(
            finding,
            "dismiss",
            actor,
            opinion=data["opinion"],
            officer=actor.officer,
            at=clock.now(),
            opinion_text=data["opinion"],
        )


# Figures.


def with_counts(queryset: QuerySet) -> QuerySet:
    """Comparisons with how many findings each has (``findings_count``) and how many of them
    wait for a decision (``open_count``), counted in the same query."""
    # A query that groups drops the model's ordering: it is given again.
    return queryset.annotate(
        findings_count=Count("findings"),
        open_count=Count("findings", filter=Q(findings__status=FindingStatus.OPEN)),
    ).order_by(*Comparison._meta.ordering)


def half_year_label(first_day: datetime.date) -> str:
    """2026年上半年 / 2026年下半年."""
    half = "上半年" if first_day.month <= 6 else "下半年"
    return f"{first_day.year}年{half}"


# This module's steps and audit actions; workflows/steps.py registers them.
DECLARED = (
    Steps(
        ComparisonFinding,
        (
            Step(
                "confirm",
                gettext_lazy("Confirm the finding"),
                "confirm",
                _confirm,
                rules.may_decide_finding,
                form=OpinionForm,
                confirm=gettext_lazy(
                    "Confirming makes the change the finding calls for (an entitlement ended "
                    "or suspended, an application withdrawn, a certificate revoked). Go on?"
                ),
            ),
            Step(
                "dismiss",
                gettext_lazy("Dismiss the finding"),
                "dismiss",
                _dismiss,
                rules.may_decide_finding,
                form=ReasonForm,
                confirm=gettext_lazy("Dismiss this finding? Nothing is changed."),
                aside=True,
            ),
        ),
        labels={
            "confirm": gettext_lazy("Finding confirmed"),
            "dismiss": gettext_lazy("Finding dismissed"),
        },
    ),
    Steps(Comparison, labels={"compare": gettext_lazy("Extract compared")}),
    Steps(Application, labels={"comparison_finding": gettext_lazy("Data comparison finding")}),
)
