"""Programs as data: a county approver or an administrator adds a program (its kind, its
conditions chosen from the catalogue of ``casework.eligibility``, the documents it issues and
its first standard), changes what may change, and adds dated standards. Pages and API call
these functions, so a rule checked here holds for both."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.eligibility import CONDITIONS
from casework.models import Program, ProgramCondition, ProgramStandard
from casework.models.payments import PaymentBatch
from permissions import audit, rules
from permissions.audit import Actor
from workflows.transitions import Steps


@dataclass(frozen=True)
class Chosen:
    """A condition as chosen for a program: its catalogue code and its parameter."""

    condition: str
    since: datetime.date | None = None
    number: int | None = None


@dataclass(frozen=True)
class StandardTerms:
    """What a standard says: from when, how much (fen), how often paid, the age limits."""

    effective_from: datetime.date
    amount_fen: int
    payment_cycle: str = ""
    min_age: int | None = None
    min_mother_age: int | None = None


# What a program's page may change after it is added (its code and kind stay: its standards'
# periods and its payments are stated in them).
CHANGEABLE = (
    "name",
    "posting_days",
    "description",
    "active",
    "documents",
    "payee_name",
    "payee_bank",
    "payee_account",
)


def check_conditions(chosen: list[Chosen]) -> list[Chosen]:
    """The chosen conditions, each known to the catalogue, none twice, each with the
    parameter it takes (a number defaults to the catalogue's); at least one."""
    if not chosen:
        raise ValidationError({"conditions": _("Choose at least one condition.")})
    seen, checked = set(), []
    for item in chosen:
        condition = CONDITIONS.get(item.condition)
        if condition is None:
            raise ValidationError(
                {"conditions": _("Unknown condition: %(code)s") % {"code": item.condition}}
            )
        if item.condition in seen:
            raise ValidationError(
                {
                    "conditions": _("A condition is chosen once: %(label)s")
                    % {"label": condition.describe()}
                }
            )
        seen.add(item.condition)
        number = item.number
        if condition.parameter == "number":
            number = condition.default if number is None else number
            if not number or number < 1:
                raise ValidationError(
                    {
                        "conditions": _("Give a number of 1 or more for: %(label)s")
                        % {"label": condition.describe()}
                    }
                )
        checked.append(
            Chosen(
                item.condition,
                item.since if condition.parameter == "since" else None,
                number if condition.parameter == "number" else None,
            )
        )
    return checked


def add_program(
    actor: Actor,
    *,
    code: str,
    kind: str,
    conditions: list[Chosen],
    standard: StandardTerms,
    **fields,
) -> Program:
    """Add a program with its conditions and its first standard, audited; refused to roles
    that may not add programs. ``fields`` are those of :data:`CHANGEABLE`."""
    if not rules.may_add_programs(actor.officer):
        raise PermissionDenied(_("Your role may not add programs."))
    unknown = set(fields) - set(CHANGEABLE)
    if unknown:
        raise ValidationError(_("Unknown fields: %s") % ", ".join(sorted(unknown)))
    chosen = check_conditions(conditions)
    program = Program(code=code, kind=kind, **fields)
    if Program.objects.filter(pk=code).exists():
        raise ValidationError({"code": _("A program with this code exists.")})
    program.full_clean(validate_unique=False)
    if Program.objects.filter(name=program.name).exists():
        raise ValidationError({"name": _("A program with this name exists.")})
    with transaction.atomic():
        program.save(force_insert=True)
        _set_conditions(program, chosen)
        first = _standard(program, standard)
        audit.record(
            actor,
            "add_program",
            program,
            data={
                "kind": kind,
                "conditions": [_described(item) for item in chosen],
                "standard": _terms(first),
            },
        )
    return program


def change_program(
    actor: Actor, program: Program, *, conditions: list[Chosen] | None = None, **fields
) -> Program:
    """Change what may change of ``program`` (:data:`CHANGEABLE`, and its conditions, which
    the assessments from now on read), audited with what it was before."""
    if not rules.may_edit_programs(actor.officer):
        raise PermissionDenied(_("Your role may not change programs."))
    unknown = set(fields) - set(CHANGEABLE)
    if unknown:
        raise ValidationError(_("These cannot be changed: %s") % ", ".join(sorted(unknown)))
    chosen = check_conditions(conditions) if conditions is not None else None
    with transaction.atomic():
        locked = Program.objects.select_for_update().get(pk=program.pk)
        before = {name: getattr(locked, name) for name in fields}
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.full_clean(validate_unique=False)
        if Program.objects.filter(name=locked.name).exclude(pk=locked.pk).exists():
            raise ValidationError({"name": _("A program with this name exists.")})
        locked.save()
        data = {"before": before, "after": fields}
        if chosen is not None:
            data["conditions_before"] = [
                _described(item) for item in locked.conditions.order_by("position", "id")
            ]
            _set_conditions(locked, chosen)
            data["conditions"] = [_described(item) for item in chosen]
        audit.record(actor, "change_program", locked, data=data)
    return locked


def add_standard(actor: Actor, program: Program, terms: StandardTerms) -> ProgramStandard:
    """Add a dated standard to ``program``, audited. A standard never reaches back into
    periods already in a payment batch: what was paid under the older one stays as it was."""
    if not rules.may_add_standards(actor.officer):
        raise PermissionDenied(_("Your role may not add standards."))
    paid = PaymentBatch.objects.filter(
        program=program, period_end__gte=terms.effective_from
    ).order_by("-period_end")
    last = paid.values_list("period_end", flat=True).first()
    if last is not None:
        raise ValidationError(
            {
                "effective_from": _(
                    "Periods up to %(day)s are in payment batches already: a new "
                    "standard takes effect after that day."
                )
                % {"day": last.isoformat()}
            }
        )
    with transaction.atomic():
        standard = _standard(program, terms)
        audit.record(actor, "add_standard", program, data={"standard": _terms(standard)})
    return standard


def _standard(program: Program, terms: StandardTerms) -> ProgramStandard:
    standard = ProgramStandard(program=program, period=program.period, **terms.__dict__)
    standard.full_clean(exclude=["program"], validate_unique=False)
    if program.standards.filter(effective_from=terms.effective_from).exists():
        raise ValidationError(
            {"effective_from": _("The program has a standard from that day already.")}
        )
    try:
        with transaction.atomic():
            standard.save()
    except IntegrityError:
        raise ValidationError(
            {"effective_from": _("The program has a standard from that day already.")}
        ) from None
    return standard


def _set_conditions(program: Program, chosen: list[Chosen]) -> None:
    program.conditions.all().delete()
    ProgramCondition.objects.bulk_create(
        ProgramCondition(
            program=program,
            condition=item.condition,
            since=item.since,
            number=item.number,
            position=position,
        )
        for position, item in enumerate(chosen)
    )


def _described(item) -> str:
    return CONDITIONS[item.condition].describe(item)


def _terms(standard: ProgramStandard) -> dict:
    return {
        "effective_from": standard.effective_from.isoformat(),
        "amount_fen": standard.amount_fen,
        "period": standard.period,
        "payment_cycle": standard.payment_cycle,
        "min_age": standard.min_age,
        "min_mother_age": standard.min_mother_age,
    }


# This module's audit actions; workflows/steps.py registers them.
DECLARED = (
    Steps(
        Program,
        labels={
            "add_program": gettext_lazy("Program added"),
            "change_program": gettext_lazy("Program changed"),
            "add_standard": gettext_lazy("Standard added"),
        },
    ),
)
