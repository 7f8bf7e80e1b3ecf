"""After the county approves: the city filing (市级备案) that makes applicants recipients, the
annual review (年审) of every recipient, and suspension, termination and revocation for fraud.

Payments (issue 5) pay every enrolled recipient from ``paid_from`` to ``paid_until``; the
steps here only move those dates, so a decision never rewrites a period already paid.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import clock, money
from casework.form_fields import PastDateField
from casework.models import AnnualReview, Application, ApplicationStatus, Filing, Job
from documents.kinds import DocumentKind
from permissions import audit, rules
from permissions.audit import Actor
from permissions.models import AuditEntry
from workflows import filed_forms, recoveries
from workflows.transitions import (
    OpinionForm,
    ReasonForm,
    RowResult,
    Signs,
    Step,
    Steps,
    TransitionConflict,
    move,
    move_many,
    signing_of,
    signing_refusals,
)


def payments_stop(application) -> datetime.date:
    """The last day paid for when payments stop now (a suspension, termination, revocation or
    confirmed comparison finding): the end of the current period."""
    return application.program.next_period_start(clock.today()) - datetime.timedelta(days=1)


# City filing.


@dataclass
class Filed:
    """What a city filing did: the filings (one per program), each row's answer, and the job
    issuing the filed applications' forms (None when nothing was filed)."""

    filings: list[Filing]
    results: list[RowResult]
    forms_job: Job | None


def file_applications(
    actor: Actor, applications: dict[int, Application], ids: list[int], opinion: str = ""
) -> Filed:
    """File the approved applications among ``ids`` at the city, one filing per program; each
    becomes a recipient from the program's next payment period, and its 审批表 is issued again
    with every level's signature, in the background. Refused rows are reported with why and
    never undo the others."""
    refused = _filing_refusals(actor.officer, applications, ids)
    by_program: dict[int, list[Application]] = {}
    for pk in dict.fromkeys(ids):
        if not refused.get(pk):
            by_program.setdefault(applications[pk].program_id, []).append(applications[pk])
    filings: dict[int, Filing] = {}
    today = clock.today()
    filed: list[int] = []
    with transaction.atomic():
        with audit.deferred():
            for program_id, rows in by_program.items():
                program = rows[0].program
                filing = Filing.objects.create(
                    region=actor.officer.jurisdiction,
                    program=program,
                    filed_on=today,
                    paid_from=program.next_period_start(today),
                    officer=actor.officer,
                    signed_at=clock.now(),
                    opinion=opinion,
                )
                moved, moved_on = move_many(
                    rows,
                    "file",
                    actor,
                    opinion=opinion,
                    data={"filing": filing.pk},
                    filing=filing,
                    paid_from=filing.paid_from,
                )
                refused.update(moved_on)
                if moved:
                    filings[program_id] = filing
                    filed.extend(application.pk for application in moved)
                else:
                    filing.delete()
        # After the block: the forms are signed by the filing's own audit entries.
        job = filed_forms.queue(actor, filed) if filed else None
    results, answered = [], set()
    for pk in ids:
        if pk in answered or refused.get(pk):
            message = refused.get(pk) or str(TransitionConflict())
            results.append(RowResult(pk, False, message))
        else:
            day = filings[applications[pk].program_id].paid_from.isoformat()
            results.append(RowResult(pk, True, _("filed; paid from %(day)s") % {"day": day}))
        answered.add(pk)
    return Filed(list(filings.values()), results, job)


def _filing_refusals(officer, applications: dict[int, Application], ids) -> dict[int, str]:
    """Why each of ``ids`` may not be filed by ``officer`` (empty when it may)."""
    refused, signing = {}, []
    for pk in ids:
        application = applications.get(pk)
        if application is None:
            refused[pk] = _("Not found, or outside your jurisdiction.")
        elif not rules.may_file_at_city(officer, application):
            refused[pk] = _("Your role may not do this here.")
        elif application.status != ApplicationStatus.APPROVED:
            refused[pk] = _("Not possible while it is %(status)s.") % {
                "status": application.get_status_display()
            }
        else:
            signing.append(application)
    refused.update(signing_refusals(officer, signing, "city"))
    return refused


def _file(application, actor, data):
    (result,) = file_applications(
        actor, {application.pk: application}, [application.pk], data.get("opinion", "")
    ).results
    if not result.done:
        raise ValidationError(result.message)
    return Application.objects.get(pk=application.pk)


# Annual review.


def review_deadline(year: int) -> datetime.date:
    """The day by which every recipient must have had the review of ``year``."""
    month, day = (int(part) for part in settings.CASEWORK_ANNUAL_REVIEW_DUE.split("-"))
    return datetime.date(year, month, day)


def reviews_overdue(today: datetime.date | None = None) -> bool:
    """Whether this year's review deadline has passed (then every recipient still due is
    flagged)."""
    today = today or clock.today()
    return today > review_deadline(today.year)


class AnnualReviewForm(forms.Form):
    reviewed_on = PastDateField(
        label=gettext_lazy("Reviewed on"),
        future_message=gettext_lazy("The review date cannot be in the future."),
    )
    met_in_person = forms.BooleanField(
        label=gettext_lazy("Met the recipient in person"), required=False
    )
    alive = forms.BooleanField(label=gettext_lazy("Alive"), required=False, initial=True)
    still_eligible = forms.BooleanField(
        label=gettext_lazy("Still eligible"), required=False, initial=True
    )
    opinion = forms.CharField(label=gettext_lazy("Opinion"), max_length=1000, required=False)

    def clean_reviewed_on(self):
        day = self.cleaned_data["reviewed_on"]
        if day.year != clock.today().year:
            raise ValidationError(_("Record this year's review."))
        return day

    def clean(self):
        data = super().clean()
        if not data.get("met_in_person"):
            self.add_error(
                "met_in_person", _("Meet the recipient in person before signing the review.")
            )
        found_unfit = not (data.get("alive") and data.get("still_eligible"))
        if found_unfit and not (data.get("opinion") or "").strip():
            self.add_error("opinion", _("Write what the review found."))
        return data


def _annual_review(application, actor, data):
    year = data["reviewed_on"].year
    if application.annual_reviews.filter(year=year).exists():
        raise ValidationError(
            _("This recipient's review of %(year)s is already recorded.") % {"year": year}
        )
    fit = data["alive"] and data["still_eligible"]
    opinion = data["opinion"] or _("Met in person; alive and still eligible.")
    with transaction.atomic():
        if fit:
            current = move(
                application, "annual_review", actor, opinion=opinion, data={"year": year}
            )
        else:
            # Payments stop at once; the county approver decides on termination.
            current = move(
                application,
                "suspend",
                actor,
                opinion=opinion,
                data={"year": year},
                reason=opinion,
                paid_until=payments_stop(application),
            )
        AnnualReview.objects.create(
            application=current,
            year=year,
            reviewed_on=data["reviewed_on"],
            met_in_person=data["met_in_person"],
            alive=data["alive"],
            still_eligible=data["still_eligible"],
            opinion=opinion,
            officer=actor.officer,
            signed_at=clock.now(),
        )
    return current


# Suspension, termination, revocation.


class TerminateForm(forms.Form):
    cause = forms.ChoiceField(
        label=gettext_lazy("Cause"),
        choices=[
            ("death", gettext_lazy("the recipient died")),
            ("ineligible", gettext_lazy("no longer eligible")),
        ],
    )
    opinion = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=1000,
        error_messages={"required": gettext_lazy("Give the reason.")},
    )


class RevokeForm(forms.Form):
    opinion = forms.CharField(
        label=gettext_lazy("What was falsified"),
        max_length=1000,
        error_messages={"required": gettext_lazy("Write what was falsified.")},
    )
    amount_to_recover = forms.DecimalField(
        label=gettext_lazy("Amount paid that must be recovered (yuan)"),
        min_value=Decimal("0"),
        max_digits=10,
        decimal_places=2,
    )
    false_steps = forms.MultipleChoiceField(
        label=gettext_lazy("Steps that were signed falsely"),
        choices=[
            ("village", gettext_lazy("village investigation and appraisal")),
            ("township", gettext_lazy("township check")),
            ("county_recheck", gettext_lazy("county recheck")),
            ("county_approval", gettext_lazy("county approval")),
        ],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Name the steps that were signed falsely.")},
    )
    false_since = PastDateField(
        label=gettext_lazy("Facts false since"),
        error_messages={"required": gettext_lazy("Give the date from which the facts were false.")},
        future_message=gettext_lazy("The date of the false facts cannot be in the future."),
    )


def signers_of(application, levels) -> list[dict]:
    """Who signed the given levels of ``application``, from the audit trail: one entry per
    officer and level, in the order they first signed."""
    level_of_action = {
        action: signs.level
        for action, signs in signing_of(Application).items()
        if signs.level in levels
    }
    entries = AuditEntry.objects.filter(
        content_type__app_label=application._meta.app_label,
        content_type__model=application._meta.model_name,
        object_id=str(application.pk),
        action__in=list(level_of_action),
    ).order_by("seq")
    names = dict(RevokeForm.base_fields["false_steps"].choices)
    signers, seen = [], set()
    for entry in entries:
        level = level_of_action[entry.action]
        if (entry.actor_id, level) not in seen:
            seen.add((entry.actor_id, level))
            signers.append(
                {
                    "officer": entry.actor_name,
                    "officer_id": entry.actor_id,
                    "step": str(names[level]),
                    "at": entry.at.isoformat(),
                }
            )
    return signers


def _suspend(application, actor, data):
    with transaction.atomic():
        return move(
            application,
            "suspend",
            actor,
            opinion=data["opinion"],
            reason=data["opinion"],
            paid_until=payments_stop(application),
        )


def _reinstate(application, actor, data):
    with transaction.atomic():
        return move(application, "reinstate", actor, opinion=data.get("opinion", ""))


def _terminate(application, actor, data):
    with transaction.atomic():
        return move(
            application,
            "terminate",
            actor,
            opinion=data["opinion"],
            data={"cause": data["cause"]},
            reason=data["opinion"],
            paid_until=payments_stop(application),
        )


def _revoke(application, actor, data):
    signers = signers_of(application, data["false_steps"])
    amount_fen = money.fen(data["amount_to_recover"])
    with transaction.atomic():
        current = move(
            application,
            "revoke",
            actor,
            opinion=data["opinion"],
            data={
                "amount_to_recover_fen": amount_fen,
                "false_signers": signers,
                "false_since": data["false_since"].isoformat(),
            },
            reason=data["opinion"],
            amount_to_recover_fen=amount_fen,
            false_signers=signers,
            paid_until=payments_stop(application),
        )
        # 追回: the payments since the facts became false (else the amount entered).
        recoveries.open_recovery(actor, current, data["false_since"], amount_fen)
        return current


# This module's steps and audit actions; workflows/steps.py registers them.
DECLARED = (
    Steps(
        Application,
        (
            Step(
                "file",
                gettext_lazy("File at the city"),
                "file",
                _file,
                rules.may_file_at_city,
                confirm=gettext_lazy("File this application? It is paid from the next period."),
                inbox=gettext_lazy("City filing"),
                bulk=True,
                issues=(DocumentKind.APPLICATION_FORM,),
            ),
            Step(
                "annual_review",
                gettext_lazy("Record the annual review"),
                "annual_review",
                _annual_review,
                rules.may_work_at_village,
                form=AnnualReviewForm,
                bulk=True,
            ),
            Step(
                "suspend",
                gettext_lazy("Suspend payments"),
                "suspend",
                _suspend,
                rules.may_approve_at_county,
                form=ReasonForm,
                aside=True,
            ),
            Step(
                "reinstate",
                gettext_lazy("Reinstate"),
                "reinstate",
                _reinstate,
                rules.may_approve_at_county,
                form=OpinionForm,
                aside=True,
                inbox=gettext_lazy("Reinstate or terminate"),
            ),
            Step(
                "terminate",
                gettext_lazy("Terminate"),
                "terminate",
                _terminate,
                rules.may_approve_at_county,
                form=TerminateForm,
                confirm=gettext_lazy("Terminate? Payments end with the current period."),
                aside=True,
            ),
            Step(
                "revoke",
                gettext_lazy("Revoke for fraud"),
                "revoke",
                _revoke,
                rules.may_approve_at_county,
                form=RevokeForm,
                confirm=gettext_lazy(
                    "Revoke for fraud? The entitlement is cancelled and the amount paid is to be "
                    "recovered; the officers who signed the false steps are named."
                ),
                aside=True,
            ),
        ),
        labels={
            "file": gettext_lazy("Filed at the city"),
            "annual_review": gettext_lazy("Annual review"),
        },
        # Filing is checked for every application of a bulk filing at once
        # (``file_applications``), so its step declares what it signs here.
        signs={"file": Signs("city", "市级备案")},
    ),
)
