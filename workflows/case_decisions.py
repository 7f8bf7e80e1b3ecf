"""Decisions on a two-illegal case, their execution, and closing.

The investigators propose one or more measures per party (警告, 没收违法所得, 罚款, 吊销执业证书,
移送公安, 移送纪检监察) — the fine suggested by the rule in ``CASEWORK_FINE_RULE`` — and then the
decisions as a whole; the case approver approves them (each penalised party's signed penalty
decision is issued) or returns them. Each decision is then executed (fine paid, licence revoked,
referral acknowledged); the investigators propose closing with their report only once every
decision is executed, and the approver closes the case. The decision deadline (registration +
``CASEWORK_CASE_DECISION_DAYS``) can be extended once by the approver; a closed case reopens
only with the approver's reason.
"""

import datetime
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import clock, money
from casework.form_fields import PastDateField
from casework.models import (
    ADMINISTRATIVE_PENALTIES,
    CaseParty,
    CaseStatus,
    Disposition,
    DispositionKind,
    DispositionStatus,
    EnforcementCase,
    Region,
)
from casework.region_codes import COUNTY, region_code_at
from documents.kinds import DocumentKind
from documents.rendering import chinese_date
from permissions import audit, rules
from permissions.audit import Actor
from permissions.separation import check_separation
from workflows.case_papers import issue_case_document
from workflows.transitions import OpinionForm, ReasonForm, Step, Steps, move

VIOLATED = (
    "《中华人民共和国人口与计划生育法》关于严禁非医学需要的胎儿性别鉴定和选择性别人工终止妊娠"
)
LEGAL_BASIS = "《中华人民共和国人口与计划生育法》第三十九条"
# Measures that carry an amount.
_WITH_AMOUNT = {DispositionKind.FINE, DispositionKind.CONFISCATION}


def suggested_fine(illegal_gains: Decimal | None) -> tuple[Decimal, Decimal]:
    """The fine range the rule suggests for ``illegal_gains`` yuan (CASEWORK_FINE_RULE)."""
    rule = settings.CASEWORK_FINE_RULE
    if illegal_gains is not None and illegal_gains >= rule["gains_threshold"]:
        low, high = rule["gains_multiple"]
        return (illegal_gains * low, illegal_gains * high)
    low, high = rule["fixed_range"]
    return (Decimal(low), Decimal(high))


class DispositionForm(forms.Form):
    party = forms.ModelChoiceField(label=gettext_lazy("Party"), queryset=CaseParty.objects.none())
    kind = forms.ChoiceField(label=gettext_lazy("Measure"), choices=DispositionKind.choices)
    illegal_gains = forms.DecimalField(
        label=gettext_lazy("Illegal gains (yuan)"),
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        required=False,
    )
    amount = forms.DecimalField(
        label=gettext_lazy("Amount (yuan)"),
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        required=False,
        help_text=gettext_lazy("The fine, or the sum confiscated."),
    )
    grounds = forms.CharField(
        label=gettext_lazy("Facts and grounds"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": gettext_lazy("Give the facts and the legal grounds.")},
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = case.parties.all()

    def clean(self):
        data = super().clean()
        kind, amount = data.get("kind"), data.get("amount")
        if kind in _WITH_AMOUNT and amount is None:
            self.add_error("amount", _("Give the amount of the fine or of the confiscation."))
        if kind not in _WITH_AMOUNT and amount is not None:
            self.add_error("amount", _("Only a fine or a confiscation has an amount."))
        if kind == DispositionKind.FINE and amount is not None:
            low, high = suggested_fine(data.get("illegal_gains"))
            if not low <= amount <= high:
                self.add_error(
                    "amount",
                    _("The fine rule gives %(low)s to %(high)s yuan for these illegal gains.")
                    % {"low": f"{low:.2f}", "high": f"{high:.2f}"},
                )
        party = data.get("party")
        if kind == DispositionKind.DISCIPLINE_REFERRAL and party and not party.public_employee:
            self.add_error(
                "kind", _("Only party members and public employees are referred for discipline.")
            )
        return data


def propose_measure(actor: Actor, case: EnforcementCase, data) -> Disposition:
    """Add one proposed measure against one party while the case is under investigation."""
    if not rules.may_investigate(actor.officer, case):
        raise PermissionDenied(_("Only the case's investigators propose decisions."))
    if case.status != CaseStatus.REGISTERED:
        raise ValidationError(_("Decisions are proposed while the case is under investigation."))
    form = DispositionForm(data, case=case)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    values = form.cleaned_data
    with transaction.atomic():
        disposition = Disposition.objects.create(
            case=case,
            party=values["party"],
            kind=values["kind"],
            illegal_gains_fen=_fen(values["illegal_gains"]),
            amount_fen=_fen(values["amount"]),
            grounds=values["grounds"],
            proposed_by=actor.officer,
            proposed_at=clock.now(),
        )
        audit.record(
            actor,
            "propose_measure",
            case,
            data={"party": disposition.party.name, "kind": disposition.kind},
        )
    return disposition


def _fen(amount: Decimal | None) -> int | None:
    return None if amount is None else money.fen(amount)


def _propose_decision(case, actor, data):
    if not case.dispositions.filter(status=DispositionStatus.PROPOSED).exists():
        raise ValidationError(_("Propose at least one measure before proposing the decisions."))
    with transaction.atomic():
        return move(case, "propose_decision", actor, opinion=data.get("opinion", ""))


def _approve_decision(case, actor, data):
    check_separation(actor.officer, "approve_case", case)
    with transaction.atomic():
        approved = move(case, "approve_decision", actor, opinion=data.get("opinion", ""))
        approved.dispositions.filter(status=DispositionStatus.PROPOSED).update(
            status=DispositionStatus.APPROVED
        )
        penalised = approved.parties.filter(
            dispositions__kind__in=ADMINISTRATIVE_PENALTIES
        ).distinct()
        for party in penalised:
            _issue_prior_notice(approved, party, actor)
            _issue_decision(approved, party, actor)
        referrals = approved.dispositions.filter(kind__in=list(REFERRED_TO)).select_related("party")
        for referral in referrals:
            _issue_referral(approved, referral, actor)
    return approved


def _issue_decision(case, party, actor):
    """The signed penalty decision (行政处罚决定书) for one party."""
    measures = list(case.dispositions.filter(party=party, kind__in=ADMINISTRATIVE_PENALTIES))
    return issue_case_document(
        case,
        DocumentKind.CASE_DECISION,
        "行政处罚决定书",
        {
            "case_number": case.number,
            "party": {**_party_data(party), "sex": "", "address": ""},
            "cause": case.subject,
            "facts_found": [m.grounds for m in measures],
            "evidence": [e.description for e in case.evidence.all()],
            "violated": VIOLATED,
            "legal_basis": LEGAL_BASIS,
            "decisions": [_measure_text(m) for m in measures],
            "payment_deadline": "自收到本决定书之日起15日内",
            "payment_place": "罚没款代收银行各营业网点",
            "reconsideration_body": f"{case.region.name}人民政府",
            "court": f"{case.region.name}人民法院",
        },
        actor,
    )


# Official documents are in Chinese whatever the interface language.
MEASURE_WORDS = {
    DispositionKind.WARNING: "警告",
    DispositionKind.CONFISCATION: "没收违法所得",
    DispositionKind.FINE: "罚款",
    DispositionKind.LICENCE_REVOCATION: "吊销执业证书",
    DispositionKind.POLICE_REFERRAL: "移送公安机关",
    DispositionKind.DISCIPLINE_REFERRAL: "移送纪检监察机关",
}


# Who a referral goes to.
REFERRED_TO = {
    DispositionKind.POLICE_REFERRAL: "公安局",
    DispositionKind.DISCIPLINE_REFERRAL: "纪委监委",
}


def _party_data(party) -> dict:
    return {"name": party.name, "id_number": party.shown_id_number, "unit": party.employer}


def _issue_prior_notice(case, party, actor):
    """The prior notice of penalty (行政处罚事先告知书): the party may state their case or ask
    for a hearing before the decision takes effect."""
    measures = list(case.dispositions.filter(party=party, kind__in=ADMINISTRATIVE_PENALTIES))
    return issue_case_document(
        case,
        DocumentKind.CASE_PRIOR_NOTICE,
        "行政处罚事先告知书",
        {
            "case_number": case.number,
            "party": _party_data(party),
            "cause": case.subject,
            "facts_found": [m.grounds for m in measures],
            "violated": VIOLATED,
            "legal_basis": LEGAL_BASIS,
            "decisions": [_measure_text(m) for m in measures],
            "statement_days": 3,
            "hearing": any(
                m.kind in (DispositionKind.FINE, DispositionKind.LICENCE_REVOCATION)
                for m in measures
            ),
        },
        actor,
    )


def _issue_referral(case, referral, actor):
    """The referral letter (移送函) to the police or the discipline inspection body."""
    county_name = Region.objects.get(code=region_code_at(case.region_id, COUNTY)).name
    return issue_case_document(
        case,
        DocumentKind.CASE_REFERRAL,
        "案件移送函",
        {
            "recipient": f"{county_name}{REFERRED_TO[referral.kind]}",
            "case_number": case.number,
            "party": _party_data(referral.party),
            "cause": case.subject,
            "facts_found": [referral.grounds],
            "reason": "当事人的行为涉嫌犯罪，"
            if referral.kind == DispositionKind.POLICE_REFERRAL
            else "当事人系党员或公职人员，",
            "materials": [e.description for e in case.evidence.all()] or ["案件调查材料"],
        },
        actor,
    )


def _measure_text(disposition) -> str:
    label = MEASURE_WORDS[disposition.kind]
    if disposition.amount_fen:
        return f"{label}人民币{money.yuan(disposition.amount_fen):.2f}元"
    return str(label)


class ExecutionForm(forms.Form):
    disposition = forms.IntegerField(label=gettext_lazy("Decision"))
    executed_on = PastDateField(label=gettext_lazy("Executed on"))
    note = forms.CharField(
        label=gettext_lazy("How it was executed"),
        max_length=300,
        error_messages={"required": gettext_lazy("Say how it was executed.")},
    )


def _record_execution(case, actor, data):
    """Record that one approved decision of the case was executed."""
    with transaction.atomic():
        disposition = (
            Disposition.objects.select_for_update()
            .filter(case=case, pk=data["disposition"])
            .first()
        )
        if disposition is None or disposition.status != DispositionStatus.APPROVED:
            raise ValidationError(
                {"disposition": _("Only an approved decision of this case not yet executed.")}
            )
        disposition.status = DispositionStatus.EXECUTED
        disposition.executed_on = data["executed_on"]
        disposition.execution_note = data["note"]
        disposition.save(update_fields=["status", "executed_on", "execution_note"])
        return move(
            case,
            "record_execution",
            actor,
            opinion=data["note"],
            data={"disposition": disposition.pk, "executed_on": data["executed_on"].isoformat()},
        )


class ClosingForm(forms.Form):
    opinion = forms.CharField(
        label=gettext_lazy("Closing report"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        error_messages={"required": gettext_lazy("Write the closing report.")},
    )


def _propose_closing(case, actor, data):
    left = case.dispositions.exclude(status=DispositionStatus.EXECUTED).count()
    if left:
        raise ValidationError(
            _("%(n)s decisions are not executed yet; a case closes once all are.") % {"n": left}
        )
    with transaction.atomic():
        return move(case, "propose_closing", actor, opinion=data["opinion"], report=data["opinion"])


def _close(case, actor, data):
    check_separation(actor.officer, "approve_case", case)
    with transaction.atomic():
        closed = move(case, "close", actor, opinion=data.get("opinion", ""))
        _issue_closing(closed, actor)
    return closed


def _issue_closing(case, actor):
    return issue_case_document(
        case,
        DocumentKind.CASE_CLOSING,
        "结案报告",
        {
            "case_number": case.number,
            "cause": case.subject,
            "summary": case.closing_report,
            "dispositions": [
                {
                    "party": d.party.name,
                    "decision": _measure_text(d),
                    "fine": f"{money.yuan(d.amount_fen):.2f}" if d.amount_fen else "",
                    "status": f"已执行，{chinese_date(d.executed_on)}：{d.execution_note}",
                }
                for d in case.dispositions.select_related("party")
            ],
            "closing_reason": "处理决定已执行完毕，符合结案条件。",
            "archive": "按行政执法案卷归档。",
        },
        actor,
    )


def _extend_deadline(case, actor, data):
    if case.deadline_extended:
        raise ValidationError(_("The decision deadline can be extended only once."))
    check_separation(actor.officer, "approve_case", case)
    new_due = case.decision_due + datetime.timedelta(days=settings.CASEWORK_CASE_EXTENSION_DAYS)
    with transaction.atomic():
        return move(
            case,
            "extend_deadline",
            actor,
            opinion=data["opinion"],
            data={"decision_due": new_due.isoformat()},
            new_due=new_due,
        )


def _reopen(case, actor, data):
    with transaction.atomic():
        return move(case, "reopen", actor, opinion=data["opinion"], reason=data["opinion"])


def _return_proposal(case, actor, data):
    with transaction.atomic():
        return move(case, "return_proposal", actor, opinion=data["opinion"], reason=data["opinion"])


def is_overdue(case, today: datetime.date | None = None) -> bool:
    """Under investigation past its decision deadline."""
    today = today or clock.today()
    return case.status == CaseStatus.REGISTERED and case.decision_due and case.decision_due < today


# This module's steps and audit actions; workflows/steps.py registers them.
DECLARED = (
    Steps(
        EnforcementCase,
        (
            Step(
                "propose_decision",
                gettext_lazy("Propose the decisions"),
                "propose_decision",
                _propose_decision,
                rules.may_investigate,
                inbox=gettext_lazy("Investigate and propose decisions"),
            ),
            Step(
                "approve_decision",
                gettext_lazy("Approve the decisions"),
                "approve_decision",
                _approve_decision,
                rules.may_approve_case,
                form=OpinionForm,
                confirm=gettext_lazy(
                    "Approve the decisions? The penalty decisions are issued signed."
                ),
                issues=(
                    DocumentKind.CASE_PRIOR_NOTICE,
                    DocumentKind.CASE_DECISION,
                    DocumentKind.CASE_REFERRAL,
                ),
                inbox=gettext_lazy("Approve the decisions"),
            ),
            Step(
                "record_execution",
                gettext_lazy("Record an execution"),
                "record_execution",
                _record_execution,
                rules.may_investigate,
                form=ExecutionForm,
                inbox=gettext_lazy("Record the executions"),
            ),
            Step(
                "propose_closing",
                gettext_lazy("Propose closing"),
                "propose_closing",
                _propose_closing,
                rules.may_investigate,
                form=ClosingForm,
            ),
            Step(
                "close",
                gettext_lazy("Close the case"),
                "close",
                _close,
                rules.may_approve_case,
                confirm=gettext_lazy("Close the case? It becomes read-only."),
                issues=(DocumentKind.CASE_CLOSING,),
                inbox=gettext_lazy("Approve the closing"),
            ),
            Step(
                "extend_deadline",
                gettext_lazy("Extend the decision deadline"),
                "extend_deadline",
                _extend_deadline,
                lambda user, case: (
                    rules.may_approve_case(user, case) and not case.deadline_extended
                ),
                form=ReasonForm,
                aside=True,
            ),
            Step(
                "return_proposal",
                gettext_lazy("Return to the investigators"),
                "return_proposal",
                _return_proposal,
                rules.may_approve_case,
                form=ReasonForm,
                aside=True,
            ),
            Step(
                "reopen",
                gettext_lazy("Reopen"),
                "reopen",
                _reopen,
                rules.may_approve_case,
                form=ReasonForm,
                aside=True,
                confirm=gettext_lazy("Reopen this closed case?"),
            ),
        ),
        labels={"propose_measure": gettext_lazy("Measure proposed")},
    ),
)
