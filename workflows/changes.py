"""Change requests (变更申请) for enrolled recipients: the village officer requests a change to
a recipient's address, bank account, household or reports a death, with the facts before (a
snapshot taken now) and after and the date it takes effect from; the township reviewer approves
or rejects it; the requester may withdraw it while it waits.

Approving applies the change through one named function per kind, in the transaction of the
approval: ``change_address`` (the household's address), ``change_bank_account`` (a new account
row paying the periods from the date on), ``change_household`` (the person's household) and
``record_death`` (the entitlement ends with the period of the death: a batch for that period
still pays, one for a later period does not).

Address, household and death are facts that have already happened, so their date may not be
after today; a bank account may be changed from a future date (the periods from then on).
"""

import datetime

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import clock
from casework.form_fields import DatePicker
from casework.models import (
    Application,
    ApplicationStatus,
    BankAccount,
    ChangeKind,
    ChangeRequest,
    ChangeStatus,
    Household,
    Person,
)
from casework.models.payments import mask_account_number, validate_account_number
from casework.uploads import inspect_upload
from permissions import audit, rules
from permissions.audit import Actor
from permissions.scoping import visible_to
from workflows.payments import replace_bank_account
from workflows.transitions import OpinionForm, ReasonForm, Step, Steps, move

# Recipients whose facts may change: payments run, or are only suspended.
RECIPIENT_STATUSES = (ApplicationStatus.ENROLLED, ApplicationStatus.SUSPENDED)
# Facts that have happened when they are reported (a bank account may change from a later day).
_HAPPENED = (ChangeKind.ADDRESS, ChangeKind.HOUSEHOLD, ChangeKind.DEATH)


# The fields of each kind of change, besides its date, reason and supporting file.
KIND_FIELDS = {
    ChangeKind.ADDRESS: ("address",),
    ChangeKind.HOUSEHOLD: ("household",),
    ChangeKind.BANK_ACCOUNT: ("bank", "account_number"),
    ChangeKind.DEATH: (),
}
_DATE_LABELS = {
    ChangeKind.ADDRESS: gettext_lazy("Effective from"),
    ChangeKind.HOUSEHOLD: gettext_lazy("Effective from"),
    ChangeKind.BANK_ACCOUNT: gettext_lazy("Effective from"),
    ChangeKind.DEATH: gettext_lazy("Date of death"),
}


class ChangeKindForm(forms.Form):
    """The first question of the request page: which kind of change (``?kind=``)."""

    kind = forms.ChoiceField(label=gettext_lazy("Kind of change"), choices=ChangeKind.choices)


class ChangeRequestForm(forms.Form):
    """What the village officer reports; only the fields of the chosen kind are read.

    With ``kind`` (the page, once the kind is chosen) the form has that kind's fields only;
    without it (the API) the kind is one of the fields and the others are all there."""

    kind = forms.ChoiceField(label=gettext_lazy("Kind of change"), choices=ChangeKind.choices)
    effective_from = forms.DateField(
        label=gettext_lazy("Effective from (for a death: the date of death)"),
        error_messages={"invalid": gettext_lazy("Enter a valid date (YYYY-MM-DD).")},
        # A bank account may change from a later day, so no upper bound here (``_check_date``).
        widget=DatePicker(),
    )
    address = forms.CharField(label=gettext_lazy("New address"), max_length=200, required=False)
    household = forms.CharField(
        label=gettext_lazy("New household number"), max_length=20, required=False
    )
    bank = forms.CharField(label=gettext_lazy("Bank"), max_length=60, required=False)
    account_number = forms.CharField(
        label=gettext_lazy("Account number"), max_length=40, required=False
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Give the reason.")},
    )
    file = forms.FileField(
        label=gettext_lazy("Supporting file (PDF, JPEG or PNG)"),
        required=False,
    )

    def __init__(self, *args, kind: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind is None:
            return
        del self.fields["kind"]
        for other, names in KIND_FIELDS.items():
            if other != kind:
                for name in names:
                    self.fields.pop(name, None)
        self.fields["effective_from"].label = _DATE_LABELS[kind]

    def clean(self):
        data = super().clean()
        if self.kind is not None:
            data["kind"] = self.kind
        kind = data.get("kind")
        if kind == ChangeKind.ADDRESS and not data.get("address", "").strip():
            self.add_error("address", _("Give the new address."))
        if kind == ChangeKind.HOUSEHOLD and not data.get("household", "").strip():
            self.add_error("household", _("Give the number of the new household."))
        if kind == ChangeKind.BANK_ACCOUNT:
            if not data.get("bank", "").strip():
                self.add_error("bank", _("Give the bank."))
            # Cards are printed and read out in groups of four.
            number = data.get("account_number", "").replace(" ", "")
            try:
                validate_account_number(number)
            except ValidationError as error:
                self.add_error("account_number", error)
            else:
                data["account_number"] = number
        return data


def enrolled_on(application: Application) -> datetime.date | None:
    """The day the recipient was enrolled: the city filing, or, with none on record (recipients
    loaded as enrolled), the first day paid."""
    if application.filing_id:
        return application.filing.filed_on
    return application.paid_from


def request_change(
    actor: Actor, application: Application, data: dict, upload=None
) -> ChangeRequest:
    """Record a change request for ``application`` from a valid ``ChangeRequestForm``'s data,
    with the facts as they stand now; refused for a recipient who is not enrolled or suspended,
    a date before enrolment (or, for facts that have happened, after today), a second open
    request of the same kind, and new facts that are no change."""
    if application.status not in RECIPIENT_STATUSES:
        raise ValidationError(_("Changes are requested for enrolled or suspended recipients only."))
    if not rules.may_request_change(actor.officer, application):
        raise PermissionDenied(_("Your role may not do this here."))
    kind, day = data["kind"], data["effective_from"]
    _check_date(application, kind, day)
    if _open_request(application, kind):
        raise ValidationError(
            {"kind": _("A request of this kind is already waiting for this recipient.")}
        )
    before = facts_before(application, kind)
    after = _facts_after(actor, application, kind, data, before)
    change = ChangeRequest(
        application=application,
        region_id=application.region_id,
        kind=kind,
        before=before,
        after=after,
        effective_from=day,
        reason=data["reason"].strip(),
        requested_by=actor.officer,
        requested_at=clock.now(),
    )
    content = None
    if upload is not None:
        content, change.content_type, change.sha256 = inspect_upload(upload)
    try:
        with transaction.atomic():
            if content is not None:
                change.file.save("upload", ContentFile(content), save=False)
            change.save()
            audit.record(
                actor,
                "request",
                change,
                to_state=change.status,
                opinion=change.reason,
                data={"kind": kind, "effective_from": day.isoformat(), "before": before},
            )
    except IntegrityError:
        # Two submissions at once: the database keeps one open request per kind.
        raise ValidationError(
            {"kind": _("A request of this kind is already waiting for this recipient.")}
        ) from None
    return change


def _check_date(application: Application, kind: str, day: datetime.date) -> None:
    start = enrolled_on(application)
    if start is not None and day < start:
        raise ValidationError(
            {
                "effective_from": _(
                    "The change cannot take effect before the recipient was enrolled (%(day)s)."
                )
                % {"day": start.isoformat()}
            }
        )
    if kind in _HAPPENED and day > clock.today():
        raise ValidationError(
            {"effective_from": _("Report this change once it has happened: not after today.")}
        )


def _open_request(application: Application, kind: str) -> bool:
    return ChangeRequest.objects.filter(
        application=application, kind=kind, status=ChangeStatus.REQUESTED
    ).exists()


def _current_account(person: Person) -> BankAccount | None:
    return BankAccount.objects.filter(person=person, replaced_at__isnull=True).first()


def facts_before(application: Application, kind: str) -> dict:
    """The recipient's facts of ``kind`` as they stand now (account numbers masked)."""
    person = application.applicant
    household = person.household
    if kind in (ChangeKind.ADDRESS, ChangeKind.HOUSEHOLD):
        if household is None:
            return {"household": "", "address": ""}
        return {"household": household.number, "address": household.address}
    if kind == ChangeKind.BANK_ACCOUNT:
        account = _current_account(person)
        if account is None:
            return {}
        return {
            "bank": account.bank,
            "account_number": account.masked_number,
            "effective_from": account.effective_from.isoformat(),
        }
    return {
        "status": application.status,
        "paid_until": application.paid_until.isoformat() if application.paid_until else "",
    }


def _facts_after(actor, application, kind, data, before) -> dict:
    if kind == ChangeKind.ADDRESS:
        if not before["household"]:
            raise ValidationError(
                {"kind": _("The recipient has no household on record: request a household change.")}
            )
        address = data["address"].strip()
        if address == before["address"]:
            raise ValidationError({"address": _("This is the address already on record.")})
        return {"household": before["household"], "address": address}
    if kind == ChangeKind.HOUSEHOLD:
        household = (
            visible_to(actor.officer, Household).filter(number=data["household"].strip()).first()
        )
        if household is None:
            raise ValidationError(
                {"household": _("No household with this number in your jurisdiction.")}
            )
        if household.region_id != application.applicant.region_id:
            raise ValidationError(
                {"household": _("The household is registered in another village.")}
            )
        if household.number == before["household"]:
            raise ValidationError({"household": _("The recipient is already in this household.")})
        return {"household": household.number, "address": household.address}
    if kind == ChangeKind.BANK_ACCOUNT:
        validate_account_number(data["account_number"])
        current = _current_account(application.applicant)
        if current is not None and current.account_number == data["account_number"]:
            raise ValidationError({"account_number": _("This is the account already on record.")})
        return {
            "bank": data["bank"].strip(),
            "account_number": data["account_number"],
            "effective_from": data["effective_from"].isoformat(),
        }
    day = data["effective_from"]
    return {
        "died_on": day.isoformat(),
        "status": ApplicationStatus.TERMINATED.value,
        "paid_until": _last_day_paid(application, day).isoformat(),
    }


def _last_day_paid(application: Application, died_on: datetime.date) -> datetime.date:
    """The entitlement ends from the period after the death: the period of the death is paid."""
    return application.program.payment_period(died_on)[1]


# What approving does, one function per kind; each runs in the approval's transaction.


def change_address(actor: Actor, change: ChangeRequest) -> None:
    """The recipient's household takes the new address."""
    household = Household.objects.select_for_update().get(
        pk=change.application.applicant.household_id
    )
    before = household.address
    household.address = change.after["address"]
    household.save(update_fields=["address"])
    audit.record(
        actor,
        "change_address",
        household,
        data={"from": before, "to": household.address, "change_request": change.pk},
    )


def change_bank_account(actor: Actor, change: ChangeRequest) -> None:
    """A new account row pays the periods from the change's date on; the old one stays on
    record (replaced) and still pays the periods before."""
    replace_bank_account(
        actor,
        change.application.applicant,
        change.after["bank"],
        change.after["account_number"],
        effective_from=change.effective_from,
        data={"change_request": change.pk},
    )


def change_household(actor: Actor, change: ChangeRequest) -> None:
    """The recipient moves to the other household of the same village."""
    person = Person.objects.select_for_update().get(pk=change.application.applicant_id)
    household = Household.objects.get(number=change.after["household"])
    before = person.household.number if person.household_id else ""
    person.household = household
    person.full_clean(validate_unique=False)
    person.save()
    audit.record(
        actor,
        "change_household",
        person,
        data={"from": before, "to": household.number, "change_request": change.pk},
    )


def record_death(actor: Actor, change: ChangeRequest) -> None:
    """The recipient died: the entitlement is terminated, paid through the period of the
    death (``Application.terminate`` keeps an earlier end of a suspension)."""
    move(
        change.application,
        "terminate",
        actor,
        opinion=change.reason,
        data={"cause": "death", "died_on": change.after["died_on"], "change_request": change.pk},
        reason=change.reason,
        paid_until=datetime.date.fromisoformat(change.after["paid_until"]),
    )


def death_reported(actor: Actor, application: Application, died_on: datetime.date, reason: str):
    """A death another department reported and an officer of the jurisdiction confirmed
    (半年数据比对): the death change is recorded and approved at once, so the entitlement ends
    exactly as an approved request ends it (paid through the period of the death). An open
    death request for the recipient is superseded by this one: it is withdrawn."""
    for waiting in ChangeRequest.objects.filter(
        application=application, kind=ChangeKind.DEATH, status=ChangeStatus.REQUESTED
    ):
        move(waiting, "withdraw", actor, opinion=reason, reason=reason)
    before = facts_before(application, ChangeKind.DEATH)
    change = ChangeRequest.objects.create(
        application=application,
        region_id=application.region_id,
        kind=ChangeKind.DEATH,
        before=before,
        after=_facts_after(
            actor, application, ChangeKind.DEATH, {"effective_from": died_on}, before
        ),
        effective_from=died_on,
        reason=reason,
        requested_by=actor.officer,
        requested_at=clock.now(),
    )
    audit.record(
        actor,
        "request",
        change,
        to_state=change.status,
        opinion=reason,
        data={"kind": ChangeKind.DEATH, "effective_from": died_on.isoformat(), "before": before},
    )
    approved = move(
        change,
        "approve",
        actor,
        opinion=reason,
        data={"kind": change.kind, "effective_from": died_on.isoformat()},
        officer=actor.officer,
        at=clock.now(),
        note=reason,
    )
    record_death(actor, approved)
    return approved


APPLY = {
    ChangeKind.ADDRESS: change_address,
    ChangeKind.BANK_ACCOUNT: change_bank_account,
    ChangeKind.HOUSEHOLD: change_household,
    ChangeKind.DEATH: record_death,
}


# Steps.


def _approve(change, actor, data):
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=change.application_id)
        if application.status not in RECIPIENT_STATUSES:
            raise ValidationError(
                _("The recipient is no longer enrolled or suspended; reject the request.")
            )
        opinion = data.get("opinion", "")
        current = move(
            change,
            "approve",
            actor,
            opinion=opinion,
            data={"kind": change.kind, "effective_from": change.effective_from.isoformat()},
            officer=actor.officer,
            at=clock.now(),
            note=opinion,
        )
        APPLY[current.kind](actor, current)
    return current


def _reject(change, actor, data):
    with transaction.atomic():
        return move(
            change,
            "reject",
            actor,
            opinion=data["opinion"],
            officer=actor.officer,
            at=clock.now(),
            reason=data["opinion"],
        )


def _withdraw(change, actor, data):
    with transaction.atomic():
        return move(change, "withdraw", actor, opinion=data["opinion"], reason=data["opinion"])


# This module's steps and audit actions; workflows/steps.py registers them.
DECLARED = (
    Steps(
        ChangeRequest,
        (
            Step(
                "approve",
                gettext_lazy("Approve the change"),
                "approve",
                _approve,
                rules.may_decide_change,
                form=OpinionForm,
                confirm=gettext_lazy(
                    "Approve this change? The new facts take effect from its date."
                ),
            ),
            Step(
                "reject",
                gettext_lazy("Reject the change"),
                "reject",
                _reject,
                rules.may_decide_change,
                form=ReasonForm,
                confirm=gettext_lazy("Reject this change request? Nothing is changed."),
                aside=True,
            ),
            Step(
                "withdraw",
                gettext_lazy("Withdraw the request"),
                "withdraw",
                _withdraw,
                rules.may_withdraw_change,
                form=ReasonForm,
                confirm=gettext_lazy("Withdraw this change request?"),
                aside=True,
            ),
        ),
        labels={"request": gettext_lazy("Change requested")},
    ),
    Steps(
        Household,
        labels={"change_address": gettext_lazy("Address changed")},
    ),
    Steps(
        Person,
        labels={"change_household": gettext_lazy("Household changed")},
    ),
    Steps(
        Person,
        labels={"record_bank_account": gettext_lazy("Bank account recorded")},
    ),
)


# How the pages and the API show a request.

_ROWS = {
    ChangeKind.ADDRESS: [
        ("household", gettext_lazy("Household number")),
        ("address", gettext_lazy("Address")),
    ],
    ChangeKind.HOUSEHOLD: [
        ("household", gettext_lazy("Household number")),
        ("address", gettext_lazy("Address")),
    ],
    ChangeKind.BANK_ACCOUNT: [
        ("bank", gettext_lazy("Bank")),
        ("account_number", gettext_lazy("Account number")),
        ("effective_from", gettext_lazy("Effective from")),
    ],
    ChangeKind.DEATH: [
        ("died_on", gettext_lazy("Date of death")),
        ("status", gettext_lazy("Status")),
        ("paid_until", gettext_lazy("Paid until")),
    ],
}


def shown_facts(facts: dict, user) -> dict:
    """``facts`` (the request's before or after) as ``user`` may see them: whole account
    numbers only for the fund and disbursement roles."""
    shown = dict(facts)
    number = shown.get("account_number")
    if number and not rules.may_see_account_numbers(user):
        shown["account_number"] = mask_account_number(number)
    return shown


def comparison(change: ChangeRequest, user) -> list[tuple[str, str, str]]:
    """The request's facts side by side: (what, before, after) rows for ``user``."""
    before, after = shown_facts(change.before, user), shown_facts(change.after, user)
    statuses = dict(ApplicationStatus.choices)
    rows = []
    for key, label in _ROWS[change.kind]:
        old, new = before.get(key, ""), after.get(key, "")
        if key == "status":
            old, new = statuses.get(old, old), statuses.get(new, new)
        rows.append((str(label), str(old or "—"), str(new or "—")))
    return rows
