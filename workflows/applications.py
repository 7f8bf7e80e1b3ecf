"""The village stage of a reward or assistance application: apply, household visit, democratic
appraisal (in bulk), and defer / resume / reject / withdraw. Each step runs in one transaction
with its audit entry and, where the process produces one, its signed document."""

import datetime

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import clock
from casework.eligibility import (
    EVIDENCE_LABELS,
    FACTS,
    Case,
    Fact,
    FactInput,
    Outcome,
    assess,
    facts_read_by,
)
from casework.form_fields import PastDateField, Photo, PhotosField
from casework.id_numbers import mask_name
from casework.models import (
    Application,
    ApplicationFact,
    ApplicationStatus,
    Appraisal,
    AppraisalEntry,
    AppraisalOpinion,
    FactCode,
    FactSource,
    HouseholdVisit,
    Level,
    Person,
    ProgramDocument,
    VisitPhoto,
)
from casework.models.applications import VISIT_CHECK_GROUPS, VisitCheck
from casework.uploads import EXTENSIONS, store_once
from documents import issuing
from documents.kinds import DocumentKind
from documents.rendering import chinese_date
from permissions import audit, rules
from permissions.audit import Actor
from permissions.scoping import visible_to
from workflows.transitions import (
    ReasonForm,
    RowResult,
    Signs,
    Step,
    Steps,
    TransitionConflict,
    Wait,
    check_signing,
    describe_refusal,
    move,
    move_many,
    signing_of,
)


def _future_refused(label) -> str:
    """Why a fact's date after today is refused, naming the fact (translated when shown)."""
    return _("%(fact)s: the date cannot be in the future.") % {"fact": label}


def _fact_field(code: str, asked: FactInput) -> forms.Field:
    """The optional form field asking for fact ``code`` as the catalogue describes it."""
    label = FactCode(code).label
    if asked.kind == "count":
        return forms.IntegerField(label=label, min_value=0, required=False)
    if asked.kind == "date":
        # Formatted when the error is shown, in the language of the request.
        return PastDateField(
            label=label, required=False, future_message=lazy(_future_refused, str)(label)
        )
    if asked.kind == "choice":
        # Graded choices are numbers (a complication's grade 1 to 3): kept as numbers, so that
        # the rules compare them as they were recorded.
        numeric = all(isinstance(value, int) for value, _label in asked.choices)
        return forms.TypedChoiceField(
            label=label,
            choices=[("", "—"), *asked.choices],
            coerce=int if numeric else str,
            empty_value="",
            required=False,
        )
    raise ValueError(f"Unknown kind of fact input: {asked.kind!r}")


def _evidence_groups() -> dict[str, list[str]]:
    """The facts of each evidence field, groups in the order of their first fact in FACTS."""
    groups: dict[str, list[str]] = {}
    for code, asked in FACTS.items():
        groups.setdefault(asked.evidence, []).append(code)
    return groups


def _catalogue_fields() -> dict[str, forms.Field]:
    """A field per fact of the catalogue, each group of facts followed by its evidence field
    (the document they were checked against sits next to them on the page)."""
    fields: dict[str, forms.Field] = {}
    for evidence, codes in _evidence_groups().items():
        fields.update((code, _fact_field(code, FACTS[code])) for code in codes)
        fields[evidence] = forms.CharField(
            label=EVIDENCE_LABELS[evidence], max_length=200, required=False
        )
    return fields


# The catalogue's fields declared on a class of their own (``base_fields``: the import's
# checks and the API's description read them without building a form).
_CatalogueFields = type(forms.Form)(
    "_CatalogueFields", (forms.Form,), {"__module__": __name__, **_catalogue_fields()}
)


class FactsForm(_CatalogueFields):
    """The family facts, each with the document it was checked against: one field per fact of
    the catalogue (``casework.eligibility.FACTS``) and one per evidence group. Given the
    ``program`` of an application, only the facts its conditions read (and their evidence)
    are asked for; without one, all of them."""

    # ``Step.form_for`` passes the application's program.
    for_program = True

    def __init__(self, data=None, files=None, *, program=None, **kwargs):
        super().__init__(data, files, **kwargs)
        if program is not None:
            read = facts_read_by(program)
            kept = set(read) | {FACTS[code].evidence for code in read}
            for name in [*FACTS, *EVIDENCE_LABELS]:
                if name not in kept:
                    self.fields.pop(name, None)

    def facts(self) -> dict[str, Fact]:
        """The facts given, with their evidence (possibly blank: then they stay unknown).

        Values are stored as JSON: dates as ISO strings, counts and grades as numbers,
        other choices as their code."""
        data = self.cleaned_data
        given = {}
        for code, asked in FACTS.items():
            value = data.get(code) if code in self.fields else None
            if value in (None, ""):
                continue
            if isinstance(value, datetime.date):
                value = value.isoformat()
            given[code] = Fact(value, data.get(asked.evidence) or "")
        return given


class VisitForm(FactsForm):
    """A signed household visit: the facts as found (those of the application's program), the
    day, the meeting in person, the checks done (三问三看三走访), the opinion and photos of the
    documents seen."""

    visited_on = PastDateField(
        label=gettext_lazy("Visited on"),
        future_message=gettext_lazy("The visit date cannot be in the future."),
    )
    met_in_person = forms.BooleanField(
        label=gettext_lazy("Met the applicant in person"), required=False
    )
    # Which checks a visit needs depends on its level: record_household_visit decides.
    checklist = forms.MultipleChoiceField(
        label=gettext_lazy("Checks done (three questions, three documents, three visits)"),
        choices=[
            (group, [(check.value, check.label) for check in checks])
            for group, checks in VISIT_CHECK_GROUPS
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy(
            "The village visit of a new application does all nine; the county recheck ticks those it did."
        ),
    )
    opinion = forms.CharField(
        label=gettext_lazy("Opinion"),
        max_length=1000,
        error_messages={"required": gettext_lazy("Write the visit's conclusion and sign it.")},
    )
    photos = PhotosField(
        label=gettext_lazy("Photos of the documents seen"),
        help_text=gettext_lazy("JPEG or PNG, taken with the phone's camera; optional."),
    )

    def clean(self):
        data = super().clean()
        data["facts"] = self.facts()
        if not data.get("met_in_person"):
            # Whoever signs answers for it: a visit that never met the applicant proves nothing.
            self.add_error(
                "met_in_person", _("Meet the applicant in person before signing the visit.")
            )
        return data


def current_facts(application: Application) -> dict[str, Fact]:
    """The latest recorded value of each fact (a visit's findings replace what was declared)."""
    return latest_facts(application.facts.order_by("recorded_at", "id"))


def latest_facts(recorded) -> dict[str, Fact]:
    """Of recorded facts in the order they were recorded, the latest value of each."""
    return {fact.code: Fact(fact.value, fact.evidence) for fact in recorded}


def assessment_of(application: Application, facts: dict[str, Fact] | None = None):
    """The eligibility assessment of ``application`` under the standard in force today."""
    standard = application.program.standard_on(clock.today())
    case = Case(
        application.applicant,
        application.spouse,
        standard,
        application.year,
        current_facts(application) if facts is None else facts,
    )
    return assess(application.program.conditions.all(), case)


def apply(
    actor: Actor,
    application: Application,
    declared: dict[str, Fact] | None = None,
    *,
    submit: bool = True,
) -> Application:
    """Record an application on the family's behalf, with what it declares, and submit it:
    the declaration form (申报表) is issued for the family's signature. With ``submit=False``
    it stays a draft until the ``submit`` step."""
    officer = actor.officer
    if not rules.may_apply_for_reward(officer):
        raise PermissionDenied(_("Your role may not record applications."))
    check_family(officer, application)
    application.created_by = officer
    application.validate()
    if not rules.may_work_at_village(officer, application):
        raise PermissionDenied(_("The applicant's village is outside your jurisdiction."))
    with transaction.atomic():
        application.save()
        _record_facts(application, declared or {}, FactSource.DECLARED, officer)
        audit.record(actor, "apply", application, to_state=application.status)
        if submit:
            application = _submit(application, actor, {})
    return application


# The answer for a person missing or beyond the officer's reach: the same words either way, so
# that a refusal never discloses who is registered elsewhere (the API's serializer uses them too).
PERSON_NOT_FOUND = {
    "applicant": gettext_lazy("Applicant: not found, or outside your jurisdiction."),
    "spouse": gettext_lazy("Spouse: not found, or outside your jurisdiction."),
}


def check_family(officer, application: Application) -> None:
    """Refuse, naming the field, an applicant or spouse that ``officer`` may not see: their
    data would be printed on the signed 审批表. A spouse who is the applicant, or of the
    applicant's own sex, is refused by ``Application.clean``."""
    named = {
        field: pk
        for field, pk in (
            ("applicant", application.applicant_id),
            ("spouse", application.spouse_id),
        )
        if pk is not None
    }
    visible = set(
        visible_to(officer, Person).filter(pk__in=named.values()).values_list("pk", flat=True)
    )
    unseen = {field: PERSON_NOT_FOUND[field] for field, pk in named.items() if pk not in visible}
    if unseen:
        raise ValidationError(unseen)


def _submit(application, actor, data):
    with transaction.atomic():
        current = move(application, "submit", actor, opinion=data.get("opinion", ""))
        _issue_form(current, actor)
    return current


def _record_facts(application, facts: dict[str, Fact], source, officer) -> None:
    at = clock.now()
    ApplicationFact.objects.bulk_create(
        ApplicationFact(
            application=application,
            code=code,
            value=fact.value,
            evidence=fact.evidence,
            source=source,
            recorded_by=officer,
            recorded_at=at,
        )
        for code, fact in facts.items()
    )


def _record_visit(application, actor, data):
    return record_household_visit(application, actor, data, level=Level.VILLAGE)


def record_household_visit(application, actor, data, *, level: Level):
    """A signed household visit: the village's investigation (入户核实) or the county inspector's
    recheck (县级复核). Refused while the facts as found leave the applicant ineligible or
    unknown (疑者从无): then the application is deferred or rejected instead. The village visit
    does every check of 三问三看三走访 (``VisitCheck``); the recheck records those it did."""
    checklist = _checks_of(data.get("checklist") or (), level)
    form_facts = data["facts"]
    facts = {**current_facts(application), **form_facts}
    assessment = assessment_of(application, facts)
    if assessment.outcome != Outcome.MET:
        advice = (
            _("Defer the application until the facts are clear.")
            if assessment.outcome == Outcome.UNKNOWN
            else _("Reject the application with the reason.")
        )
        unmet = "；".join(f"{f.label}（{f.evidence}）" for f in assessment.unmet())
        raise ValidationError(
            _("Not eligible as recorded: %(unmet)s. %(advice)s")
            % {"unmet": unmet, "advice": advice}
        )
    method, source = _VISITS[level]
    photos = data["photos"]
    signed = {"visited_on": data["visited_on"].isoformat(), "checklist": checklist}
    if photos:
        signed["photos"] = [photo.sha256 for photo in photos]
    with transaction.atomic():
        current = move(application, method, actor, opinion=data["opinion"], data=signed)
        visit = HouseholdVisit.objects.create(
            application=current,
            level=level,
            visited_on=data["visited_on"],
            met_in_person=data["met_in_person"],
            opinion=data["opinion"],
            checklist=checklist,
            officer=actor.officer,
            signed_at=clock.now(),
        )
        _record_facts(current, form_facts, source, actor.officer)
        _keep_photos(visit, photos)
    return current


def _checks_of(ticked, level: Level) -> list[str]:
    """The checks ticked, in the checklist's order; refused, naming the missing ones, when a
    village visit has not done them all."""
    ticked = set(ticked)
    done = [check for check in VisitCheck.values if check in ticked]
    if level == Level.VILLAGE and len(done) < len(VisitCheck.values):
        missing = "、".join(str(c.label) for c in VisitCheck if c.value not in ticked)
        message = _(
            "The village visit does every check (three questions, three documents, three visits); not yet done: %(missing)s."
        )
        raise ValidationError({"checklist": message % {"missing": missing}})
    return done


def _keep_photos(visit: HouseholdVisit, photos: list[Photo]) -> None:
    """Store the visit's photos (checked by the form) write-once under their SHA-256."""
    for checked in photos:
        photo = VisitPhoto(
            visit=visit,
            sha256=checked.sha256,
            content_type=checked.content_type,
            size=checked.upload.size,
        )
        name = f"{checked.sha256}{EXTENSIONS[checked.content_type]}"
        store_once(photo.file, checked.upload, name)
        photo.save()


# The transition and the source of the facts of each level's household visit.
_VISITS = {
    Level.VILLAGE: ("record_visit", FactSource.VILLAGE_VISIT),
    Level.COUNTY: ("county_recheck", FactSource.COUNTY_RECHECK),
}


# The shortest minutes of an appraisal: enough for how the meeting went and what it concluded.
MINUTES_MIN_LENGTH = 10


def _appraisal_record_problems(
    attendees: str, attendees_by_kind: dict[str, int], minutes: str
) -> dict[str, str]:
    """What is wrong with the record of an appraisal meeting, by field (empty when nothing):
    the attendees named, at least one of them counted by kind (``Appraisal.ATTENDEE_KINDS``),
    and minutes that say how the meeting went and what it concluded."""
    unknown = set(attendees_by_kind) - set(Appraisal.ATTENDEE_KINDS)
    if unknown:
        raise ValueError(f"Unknown kinds of attendee: {sorted(unknown)}")
    problems = {}
    if not attendees.strip():
        problems["attendees"] = _("List the attendees: their names, or who they were.")
    counts = [attendees_by_kind.get(kind) or 0 for kind in Appraisal.ATTENDEE_KINDS]
    if any(count < 0 for count in counts):
        problems["representatives"] = _("The number of attendees cannot be negative.")
    elif sum(counts) < 1:
        problems["representatives"] = _(
            "Count the attendees by kind: villagers' representatives, old party members, old cadres, peers of the applicants; at least one."
        )
    if len(minutes.strip()) < MINUTES_MIN_LENGTH:
        problems["minutes"] = _(
            "Write the minutes (at least %(length)s characters): how the meeting went and what it concluded."
        ) % {"length": MINUTES_MIN_LENGTH}
    return problems


def record_appraisal(
    actor: Actor,
    *,
    held_on: datetime.date,
    attendees: str,
    attendees_by_kind: dict[str, int],
    minutes: str,
    opinions: dict[int, tuple[str, str]],
) -> tuple[Appraisal | None, list[RowResult]]:
    """One village meeting's opinions on many applications (民主评议), with who attended by
    kind (``attendees_by_kind``: a number per ``Appraisal.ATTENDEE_KINDS``, their sum the
    number of attendees) and the meeting's ``minutes`` (评议记录).

    Agreed applications move on together, unclear ones are deferred, rejected ones are rejected
    with the meeting's note (each in its own savepoint). A refused row is reported and never
    undoes the others.
    """
    officer = actor.officer
    problems = _appraisal_record_problems(attendees, attendees_by_kind, minutes)
    if held_on > clock.today():
        problems["held_on"] = _("The meeting date cannot be in the future.")
    if problems:
        raise ValidationError(problems)
    counts = {kind: attendees_by_kind.get(kind) or 0 for kind in Appraisal.ATTENDEE_KINDS}
    applications = (
        visible_to(officer, Application)
        .select_related("program", "applicant")
        .in_bulk(list(opinions))
    )
    answers, appraisal = {}, None
    agreed: dict[str, list[Application]] = {}  # by the meeting's note
    with transaction.atomic(), audit.deferred():
        for application_id, (opinion, note) in opinions.items():
            application = applications.get(application_id)
            if application is None:
                answers[application_id] = (False, _("Not found, or outside your jurisdiction."))
                continue
            refusal = _appraisal_refusal(officer, application, opinion, note, appraisal)
            if refusal:
                answers[application_id] = (False, refusal)
                continue
            if appraisal is None:
                appraisal = Appraisal.objects.create(
                    region=application.region,
                    held_on=held_on,
                    attendees=attendees,
                    **counts,
                    attendee_count=sum(counts.values()),
                    minutes=minutes.strip(),
                    officer=officer,
                    signed_at=clock.now(),
                )
            if opinion == AppraisalOpinion.AGREE:
                agreed.setdefault(note, []).append(application)
                continue
            mark = audit.held_since()
            try:
                with transaction.atomic():
                    _apply_opinion(application, actor, opinion, note)
                    AppraisalEntry.objects.create(
                        appraisal=appraisal, application=application, opinion=opinion, note=note
                    )
            except (TransitionConflict, ValidationError, PermissionDenied) as error:
                audit.drop_since(mark)
                answers[application_id] = (False, describe_refusal(error))
            else:
                answers[application_id] = (True, str(AppraisalOpinion(opinion).label))
        # The applications the meeting agreed on move on together.
        for note, rows in agreed.items():
            moved, refused = move_many(
                rows, "appraise", actor, opinion=note or _("The meeting agreed.")
            )
            AppraisalEntry.objects.bulk_create(
                AppraisalEntry(
                    appraisal=appraisal, application=a, opinion=AppraisalOpinion.AGREE, note=note
                )
                for a in moved
            )
            answers.update((a.pk, (True, str(AppraisalOpinion.AGREE.label))) for a in moved)
            answers.update((pk, (False, refusal)) for pk, refusal in refused.items())
    results = [RowResult(pk, *answers[pk]) for pk in opinions]
    return appraisal, results


def _appraisal_refusal(officer, application, opinion, note, appraisal) -> str:
    if not rules.may_work_at_village(officer, application):
        return _("Your role may not do this here.")
    if application.status != ApplicationStatus.VISITED:
        return _("Only visited applications are appraised; this one is %(status)s.") % {
            "status": application.get_status_display()
        }
    if appraisal is not None and application.region_id != appraisal.region_id:
        return _("One meeting appraises the applications of one village.")
    if opinion not in AppraisalOpinion.values:
        return _("Unknown opinion.")
    if opinion != AppraisalOpinion.AGREE and not note.strip():
        return _("Write the meeting's reason.")
    return ""


def _apply_opinion(application, actor, opinion, note):
    if opinion == AppraisalOpinion.AGREE:
        return move(application, "appraise", actor, opinion=note or _("The meeting agreed."))
    if opinion == AppraisalOpinion.UNCLEAR:
        return move(application, "defer", actor, opinion=note, reason=note)
    rejected = move(application, "reject", actor, opinion=note, reason=note)
    issue_not_confirmed(rejected, actor, note)
    return rejected


# The separation level a return signs, by the level the application is at.
_RETURN_SIGNS = {
    Level.VILLAGE: "village",
    Level.TOWNSHIP: "township",
    Level.COUNTY: "county_approval",
    Level.CITY: "city",
}


def _return(application, actor, data):
    level = _RETURN_SIGNS[application.level()]
    if application.status == ApplicationStatus.AWAITING_COUNTY:
        level = "county_recheck"
    check_signing(actor.officer, application, level)
    with transaction.atomic():
        return move(
            application, "send_back", actor, opinion=data["opinion"], reason=data["opinion"]
        )


def _defer(application, actor, data):
    with transaction.atomic():
        return move(application, "defer", actor, opinion=data["opinion"], reason=data["opinion"])


def _resume(application, actor, data):
    with transaction.atomic():
        return move(application, "resume", actor, opinion=data.get("opinion", ""))


def _reject(application, actor, data):
    with transaction.atomic():
        rejected = move(
            application, "reject", actor, opinion=data["opinion"], reason=data["opinion"]
        )
        issue_not_confirmed(rejected, actor, data["opinion"])
    return rejected


def _withdraw(application, actor, data):
    with transaction.atomic():
        return move(application, "withdraw", actor, opinion=data["opinion"], reason=data["opinion"])


# Documents.


def _person(person) -> dict:
    return {
        "name": person.name,
        "sex": person.get_sex_display(),
        "birth_date": chinese_date(person.birth_date),
        "id_number": person.masked_id_number,
        "hukou_type": "农业" if person.hukou == "rural" else "非农业",
        "address": person.household.address if person.household_id else person.region.name,
    }


FORM_TITLE = "计划生育家庭奖励扶助申请审批表"
# The form once more on city filing, with every level's opinion and signature in its 审批栏.
# The form signed at submission stays valid: it is what the family declared and signed.
FILED_FORM_TITLE = "计划生育家庭奖励扶助申请审批表（备案）"


def form_rows() -> dict[str, str]:
    """The audit actions that sign a row of the form's 审批栏, and the row's name in the
    template, as the steps declare them (``Signs.row``)."""
    return {action: signs.row for action, signs in signing_of(Application).items() if signs.row}


def approval_form_request(
    application,
    signers: list[issuing.Signer],
    *,
    title: str = FORM_TITLE,
    applied_on: datetime.date | None = None,
    facts: dict[str, Fact] | None = None,
    office=None,
) -> issuing.IssueRequest:
    """The 审批表 of ``application`` with ``signers`` in its 审批栏: the family, the program
    and its standard today, and the eligibility facts as last recorded (``facts``, when the
    caller has read them already). The ``office`` issues it; by default the nearest one."""
    standard = application.program.standard_on(clock.today())
    assessment = assessment_of(application, facts)
    data = {
        "program": application.program.name,
        "annual_amount": f"{standard.amount:.2f}" if standard.period == "year" else "",
        "monthly_amount": f"{standard.amount:.2f}" if standard.period == "month" else "",
        "applied_on": chinese_date(applied_on or clock.today()),
        "applicant": _person(application.applicant),
        "spouse": {**_person(application.spouse), "status": ""} if application.spouse else None,
        "children": application.children,
        "facts": [
            {"fact": f.label, "result": str(Outcome(f.outcome).label), "evidence": f.evidence}
            for f in assessment.findings
        ],
    }
    return issuing.IssueRequest(
        kind=DocumentKind.APPLICATION_FORM,
        office=office or issuing.office_for(application.region_id),
        region=application.region,
        title=title,
        data=data,
        public_summary=[
            ("申请人", mask_name(application.applicant.name)),
            ("公民身份号码", application.applicant.masked_id_number),
            ("申报项目", application.program.name),
        ],
        signers=signers,
        subject=application,
    )


def _issue_form(application, actor):
    signer = issuing.Signer(form_rows()["submit"], str(actor.officer), chinese_date(clock.today()))
    return issuing.issue(approval_form_request(application, [signer]), actor)


def issue_not_confirmed(application, actor, reason):
    """The signed 不予确认告知书 for a rejected applicant, when the program issues one
    (``Program.documents``); None when it does not."""
    if not application.program.issues(ProgramDocument.NOT_CONFIRMED_NOTICE):
        return None
    office = issuing.office_for(application.region_id)
    return issuing.issue(
        issuing.IssueRequest(
            kind=DocumentKind.NOT_CONFIRMED_NOTICE,
            office=office,
            region=application.region,
            title="不予确认告知书",
            data={
                "recipient": application.applicant.name,
                "applied_on": chinese_date(timezone.localdate(application.created_at)),
                "program": application.program.name,
                "decided_by": str(actor.officer),
                "reasons": [reason],
                "reconsideration_body": "安和县人民政府",
                "court": "安和县人民法院",
                "phone": office.phone,
            },
            public_summary=[
                ("申请人", mask_name(application.applicant.name)),
                ("申报项目", application.program.name),
            ],
            subject=application,
        ),
        actor,
    )


# This module's steps and audit actions; workflows/steps.py registers them.
DECLARED = (
    Steps(
        Application,
        (
            Step(
                "submit",
                gettext_lazy("Submit"),
                "submit",
                _submit,
                rules.may_work_at_village,
                confirm=gettext_lazy("Submit the application? The declaration form is issued."),
                signs=Signs("village", "申报登记"),
                issues=(DocumentKind.APPLICATION_FORM,),
            ),
            Step(
                "record_visit",
                gettext_lazy("Record the household visit"),
                "record_visit",
                _record_visit,
                rules.may_work_at_village,
                form=VisitForm,
                inbox=gettext_lazy("Visit the household"),
                signs=Signs("village", "村级入户核实"),
            ),
            Step(
                "return",
                gettext_lazy("Return to the level below"),
                "send_back",
                _return,
                rules.may_return_application,
                form=ReasonForm,
                aside=True,
                bulk=True,
            ),
            Step(
                "defer",
                gettext_lazy("Defer"),
                "defer",
                _defer,
                rules.may_act_at_current_level,
                form=ReasonForm,
                aside=True,
                bulk=True,
            ),
            Step(
                "resume",
                gettext_lazy("Resume"),
                "resume",
                _resume,
                rules.may_act_at_current_level,
                aside=True,
                bulk=True,
            ),
            Step(
                "reject",
                gettext_lazy("Reject"),
                "reject",
                _reject,
                rules.may_act_at_current_level,
                form=ReasonForm,
                confirm=gettext_lazy(
                    "Reject this application? A signed not-confirmed notice is issued to the applicant."
                ),
                aside=True,
                bulk=True,
                issues=(DocumentKind.NOT_CONFIRMED_NOTICE,),
            ),
            Step(
                "withdraw",
                gettext_lazy("Withdraw"),
                "withdraw",
                _withdraw,
                rules.may_act_at_current_level,
                form=ReasonForm,
                confirm=gettext_lazy("Withdraw this application?"),
                aside=True,
            ),
        ),
        labels={
            "apply": gettext_lazy("Application recorded"),
            "send_back": gettext_lazy("Returned to the level below"),
            "submit": gettext_lazy("Submitted"),
            "record_visit": gettext_lazy("Household visited"),
            "appraise": gettext_lazy("Appraised"),
        },
        # Recording the application and its appraisal sign the village level too.
        signs={"apply": Signs("village"), "appraise": Signs("village", "民主评议")},
        # The appraisal is a village meeting over many applications, not a step of one.
        waits=(
            Wait(
                "appraise", gettext_lazy("Hold the democratic appraisal"), rules.may_work_at_village
            ),
        ),
    ),
)
