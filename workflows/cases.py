"""Two-illegal (两非) cases from the clue to the registration decision.

An investigator records a clue (and sees it: the recorder is assigned), proposes to register it
or not within the registration deadline (a late proposal says why), and a case approver of the
jurisdiction registers it — a case number, at least two assigned investigators, the decision
deadline — declines it with reasons, or sends it back. Whoever investigates a case may not
approve it. The informant is stored apart and every showing of them is audited.
"""

import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import clock
from casework.models import (
    CaseInformant,
    CaseNumberSequence,
    CaseStatus,
    ClueSource,
    EnforcementCase,
    PartyRole,
    Region,
)
from casework.region_codes import COUNTY, region_code_at
from documents.kinds import DocumentKind
from documents.rendering import chinese_date
from permissions import audit, rules
from permissions.audit import Actor
from permissions.grants import put_grant, remove_grant
from permissions.models import AuditEntry, CaseGrant, Officer
from permissions.roles import Role
from permissions.scoping import code_in_jurisdiction
from permissions.separation import check_separation, separation_rule
from workflows.case_papers import issue_case_document
from workflows.transitions import ReasonForm, Step, Steps, Wait, move

MIN_INVESTIGATORS = 2


def record_clue(
    actor: Actor, case: EnforcementCase, informant: dict | None = None
) -> EnforcementCase:
    """Record a clue with, apart, who reported it; the recording investigator is assigned."""
    officer = actor.officer
    if not rules.may_record_clue(officer, case.region_id):
        raise PermissionDenied(_("Your role may not record clues here."))
    if case.received_on and case.received_on > clock.today():
        raise ValidationError({"received_on": _("The date received cannot be in the future.")})
    case.recorded_by, case.recorded_at = officer, clock.now()
    case.full_clean(exclude=["recorded_by", "status", "number"])
    with transaction.atomic():
        case.save()
        informant = {k: (v or "").strip() for k, v in (informant or {}).items()}
        if any(informant.values()):
            CaseInformant.objects.create(case=case, **informant)
        audit.record(actor, "record_clue", case, to_state=case.status)
        put_grant(actor, user=officer, obj=case, reason=_("Recorded the clue."))
    return case


def informant_of(actor: Actor, case: EnforcementCase) -> CaseInformant | None:
    """Who reported the clue, for an approver or supervisor; the showing is audited."""
    if not rules.may_see_informant(actor.officer, case):
        raise PermissionDenied(_("Only case approvers and supervisors see the informant."))
    informant = CaseInformant.objects.filter(case=case).first()
    with transaction.atomic():
        audit.record(actor, "view_informant", case)
    return informant


class ProposalForm(forms.Form):
    opinion = forms.CharField(
        label=gettext_lazy("Reasons"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": gettext_lazy("Give the reasons.")},
    )
    late_reason = forms.CharField(
        label=gettext_lazy("Why later than the registration deadline"),
        max_length=1000,
        required=False,
    )


def _propose(method):
    def run(case, actor, data):
        if clock.today() > case.registration_due and not data["late_reason"].strip():
            raise ValidationError(
                {
                    "late_reason": _(
                        "The registration deadline was %(day)s; say why the proposal is late."
                    )
                    % {"day": case.registration_due.isoformat()}
                }
            )
        with transaction.atomic():
            return move(
                case,
                method,
                actor,
                opinion=data["opinion"],
                data={"late_reason": data["late_reason"]},
                reason=data["opinion"],
                late_reason=data["late_reason"],
            )

    return run


class RegisterForm(forms.Form):
    investigators = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Investigators assigned"),
        queryset=Officer.objects.filter(groups__name=Role.INVESTIGATOR.value),
        error_messages={"required": gettext_lazy("Assign the investigators.")},
    )
    opinion = forms.CharField(label=gettext_lazy("Opinion"), max_length=1000, required=False)

    def clean_investigators(self):
        chosen = self.cleaned_data["investigators"]
        if len(chosen) < MIN_INVESTIGATORS:
            raise ValidationError(
                _("Assign at least %(n)s investigators.") % {"n": MIN_INVESTIGATORS}
            )
        return chosen


def _check_investigators(case, investigators) -> None:
    outside = [str(o) for o in investigators if not code_in_jurisdiction(o, case.region_id)]
    if outside:
        raise ValidationError(
            {
                "investigators": _("Not of this case's jurisdiction: %(names)s")
                % {"names": "、".join(outside)}
            }
        )


def _register(case, actor, data):
    check_separation(actor.officer, "approve_case", case)
    _check_investigators(case, data["investigators"])
    today = clock.today()
    with transaction.atomic():
        registered = move(
            case,
            "register",
            actor,
            opinion=data.get("opinion", ""),
            data={"investigators": [o.username for o in data["investigators"]]},
            number=_next_number(case, today),
            registered_on=today,
            decision_due=today + datetime.timedelta(days=settings.CASEWORK_CASE_DECISION_DAYS),
        )
        assign(actor, registered, list(data["investigators"]))
        issue_case_document(
            registered,
            DocumentKind.CASE_REGISTRATION,
            "立案审批表",
            registration_form_data(registered, data["investigators"]),
            actor,
        )
    return registered


# How the registration form names where a clue came from and who a party is (the form is in
# Chinese whatever the interface says).
SOURCE_WORDS = {
    ClueSource.PUBLIC_TIP: "群众举报",
    ClueSource.HOTLINE: "举报电话",
    ClueSource.INSPECTION: "监督检查",
    ClueSource.POLICE: "公安机关移送",
    ClueSource.HEALTH: "卫生健康部门移送",
    ClueSource.MEDIA: "媒体反映",
}
PARTY_WORDS = {
    PartyRole.SUSPECT: "当事人",
    PartyRole.MEDICAL_STAFF: "涉案医务人员",
    PartyRole.INSTITUTION: "涉案医疗机构",
    PartyRole.INTERMEDIARY: "中介人员",
}


def registration_form_data(case, investigators) -> dict:
    """The 立案审批表 of a case just registered: the clue, the parties known so far (none yet
    prints 待查), the investigators assigned and their proposal; the approver's decision is
    the document's signature."""
    return {
        "case_number": case.number,
        "cause": case.subject,
        "source": SOURCE_WORDS[case.source],
        "received_on": chinese_date(case.received_on),
        "clue_summary": case.summary,
        "parties": [
            {
                "name": party.name,
                "role": PARTY_WORDS[party.role],
                "id_or_unit": party.shown_id_number,
            }
            for party in case.parties.all()
        ],
        "facts": case.summary,
        "investigators": [{"name": str(officer)} for officer in investigators],
        "proposal": case.proposal_reason,
    }


def assign(actor: Actor, case: EnforcementCase, investigators: list) -> None:
    """Make ``investigators`` the case's assigned investigators: new ones are granted the case,
    those no longer on it lose their grant at once."""
    keep = {o.pk for o in investigators}
    for grant in CaseGrant.objects.filter(content_object=case).select_related(
        "user", "permission", "content_object"
    ):
        if grant.user_id not in keep:
            remove_grant(actor, grant, reason=_("Reassigned."))
    for officer in investigators:
        put_grant(actor, user=officer, obj=case, reason=_("Assigned to investigate the case."))


def _next_number(case, day: datetime.date) -> str:
    county = Region.objects.get(code=region_code_at(case.region_id, COUNTY))
    sequence, _created = CaseNumberSequence.objects.select_for_update().get_or_create(
        region=county, year=day.year
    )
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{county.name}卫两非〔{day.year}〕{sequence.last}号"


def _decline(case, actor, data):
    check_separation(actor.officer, "approve_case", case)
    with transaction.atomic():
        return move(case, "decline", actor, opinion=data["opinion"], reason=data["opinion"])


def _send_back(case, actor, data):
    with transaction.atomic():
        return move(case, "send_back", actor, opinion=data["opinion"], reason=data["opinion"])


@separation_rule("approve_case")
def investigators_do_not_approve(officer, case, **context) -> str | None:
    """An investigator of a case (assigned, or who proposed) cannot approve it."""
    proposed = AuditEntry.objects.filter(
        content_type__model="enforcementcase",
        object_id=str(case.pk),
        actor=officer,
        action__in=["record_clue", "propose_registration", "propose_decline"],
    ).exists()
    if proposed or rules.is_assigned(officer, case):
        return _("You investigate this case; another approver must decide on it.")
    return None


class AssignForm(RegisterForm):
    opinion = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=1000,
        error_messages={"required": gettext_lazy("Give the reason.")},
    )


def _assign(case, actor, data):
    _check_investigators(case, data["investigators"])
    with transaction.atomic():
        current = move(
            case,
            "reassign",
            actor,
            opinion=data["opinion"],
            data={"investigators": [o.username for o in data["investigators"]]},
        )
        assign(actor, current, list(data["investigators"]))
    return current


# This module's steps and audit actions; workflows/steps.py registers them.
DECLARED = (
    Steps(
        EnforcementCase,
        (
            Step(
                "propose_registration",
                gettext_lazy("Propose to register"),
                "propose_registration",
                _propose("propose_registration"),
                rules.may_investigate,
                form=ProposalForm,
                inbox=gettext_lazy("Propose registering or not"),
            ),
            Step(
                "propose_decline",
                gettext_lazy("Propose not to register"),
                "propose_decline",
                _propose("propose_decline"),
                rules.may_investigate,
                form=ProposalForm,
                aside=True,
            ),
            Step(
                "register",
                gettext_lazy("Register the case"),
                "register",
                _register,
                rules.may_approve_case,
                form=RegisterForm,
                inbox=gettext_lazy("Decide on registering"),
                issues=(DocumentKind.CASE_REGISTRATION,),
            ),
            Step(
                "decline",
                gettext_lazy("Decline to register"),
                "decline",
                _decline,
                rules.may_approve_case,
                form=ReasonForm,
                aside=True,
                confirm=gettext_lazy("Decline to register? The clue is closed with the reasons."),
            ),
            Step(
                "return",
                gettext_lazy("Send back to the investigators"),
                "send_back",
                _send_back,
                rules.may_approve_case,
                form=ReasonForm,
                aside=True,
            ),
            Step(
                "assign",
                gettext_lazy("Reassign the investigators"),
                "reassign",
                _assign,
                rules.may_approve_case,
                form=AssignForm,
                aside=True,
            ),
        ),
        labels={
            "record_clue": gettext_lazy("Clue recorded"),
            "view_informant": gettext_lazy("Informant shown"),
            "grant_access": gettext_lazy("Investigator assigned"),
            "revoke_access": gettext_lazy("Investigator taken off"),
            "end_access": gettext_lazy("Investigator taken off: no longer an investigator"),
        },
        # Declining is decided from either proposal; the approver's line for it is the
        # investigator's proposal not to register.
        waits=(
            Wait(
                "decline",
                gettext_lazy("Decide on not registering"),
                rules.may_approve_case,
                at=CaseStatus.DECLINE_PROPOSED,
            ),
        ),
    ),
)
