"""The three public postings (三榜公示): the village's (第一榜), the township's (第二榜) and the
county's final one (第三榜/终榜). Opening one for the applications ready at its level, the
objections raised while it is up, and closing it after its end date.

A long list's notice (a county's final posting can hold thousands of names) is rendered and
signed by a background job, so opening the posting never waits for the PDF.
"""

import dataclasses
import datetime
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import clock, region_codes
from casework.form_fields import DatePicker
from casework.models import (
    Application,
    ApplicationStatus,
    Objection,
    ObjectionStatus,
    Posting,
    PostingEntry,
    PostingLevel,
    PostingStatus,
    Program,
    Region,
)
from documents import issuing
from documents.kinds import DocumentKind
from documents.rendering import chinese_date
from documents.tasks import start_batch
from permissions import audit, rules
from permissions.audit import Actor
from permissions.scoping import visible_to
from workflows.applications import issue_not_confirmed
from workflows.transitions import (
    RowResult,
    Signs,
    Step,
    Steps,
    TransitionConflict,
    Wait,
    move,
    move_many,
    perform_many,
    signing_of,
    signing_refusals,
)

# A notice may have gone up on the board this long before it is recorded here.
LATEST_BACKDATING = datetime.timedelta(days=30)


class PostingForm(forms.Form):
    starts_on = forms.DateField(label=gettext_lazy("Posted from"), widget=DatePicker())
    days = forms.IntegerField(label=gettext_lazy("Days posted"), min_value=1, max_value=60)
    place = forms.CharField(label=gettext_lazy("Place"), max_length=200)
    contact_phone = forms.CharField(label=gettext_lazy("Phones for objections"), max_length=100)


class DismissForm(forms.Form):
    opinion = forms.CharField(
        label=gettext_lazy("Finding of the investigation"),
        max_length=1000,
        error_messages={"required": gettext_lazy("Write what the investigation found.")},
    )


class UpholdForm(DismissForm):
    outcome = forms.ChoiceField(
        label=gettext_lazy("What happens to the application"),
        choices=[
            ("return", gettext_lazy("return the application to be checked again")),
            ("reject", gettext_lazy("reject the application")),
        ],
    )


@dataclass(frozen=True)
class LevelRules:
    """What a posting of one level takes and does."""

    ready: str  # the status of the applications it posts
    posted: str  # the status they have while posted
    post: str  # the FSM method that posts them
    passes: str  # the FSM method that moves them on when the posting closes
    region_level: str
    name: str  # as printed on the notice
    round: str

    @property
    def signs(self) -> str:
        """The level of the chain that putting applications up signs (declared below)."""
        return signing_of(Application)[self.post].level


LEVELS = {
    PostingLevel.VILLAGE: LevelRules(
        ApplicationStatus.APPRAISED,
        ApplicationStatus.VILLAGE_POSTED,
        "post_in_village",
        "pass_village_posting",
        region_codes.VILLAGE,
        "村级",
        "第一榜",
    ),
    PostingLevel.TOWNSHIP: LevelRules(
        ApplicationStatus.TOWNSHIP_CHECKED,
        ApplicationStatus.TOWNSHIP_POSTED,
        "post_in_township",
        "pass_township_posting",
        region_codes.TOWNSHIP,
        "乡镇级",
        "第二榜",
    ),
    PostingLevel.COUNTY: LevelRules(
        ApplicationStatus.RECHECKED,
        ApplicationStatus.COUNTY_POSTED,
        "post_in_county",
        "pass_county_posting",
        region_codes.COUNTY,
        "县级",
        "第三榜（终榜）",
    ),
}


@dataclass(frozen=True)
class ReportLine:
    """One level's report line (举报电话) as a posting prints it."""

    level: str  # 村级, 乡镇级, 县级
    office: str  # the region whose office answers it
    phone: str


def report_lines(posting: Posting) -> list[ReportLine]:
    """The report lines of the posting's own level and of every level above it up to the
    county, village first, from the regions' records (三榜四级: each list names where to
    report at every level); a level that has recorded none is left out."""
    codes = [
        code
        for code in [posting.region_id, *reversed(region_codes.ancestor_codes(posting.region_id))]
        if region_codes.level_of(code) in LEVELS
    ]
    regions = Region.objects.filter(code__in=codes).exclude(report_phone="").in_bulk()
    return [
        ReportLine(
            LEVELS[region_codes.level_of(code)].name, regions[code].name, regions[code].report_phone
        )
        for code in codes
        if code in regions
    ]


def level_ready(status: str) -> str | None:
    """The level whose posting takes applications in ``status`` (None: not ready for one)."""
    return next((level for level, rules_ in LEVELS.items() if rules_.ready == status), None)


@dataclass(frozen=True)
class Opened:
    posting: Posting | None
    results: list[RowResult]
    # The background job issuing a long list's notice (None: the notice is already issued).
    notice_job: object = None


def open_posting(
    actor: Actor,
    *,
    level: str,
    program: Program,
    year: int,
    region: Region,
    starts_on: datetime.date,
    days: int,
    place: str,
    contact_phone: str,
    application_ids: list[int],
) -> Opened:
    """Post the applications of ``region`` that are ready at ``level``; each other row is
    refused with why."""
    officer = actor.officer
    level_rules = LEVELS[level]
    if region.level != level_rules.region_level or not rules.may_post(officer, level, region.code):
        raise PermissionDenied(_("Your role may not post this level's list here."))
    errors = {}
    today = clock.today()
    if days < program.posting_days:
        errors["days"] = _("A posting of %(program)s lasts at least %(days)s days.") % {
            "program": program.name,
            "days": program.posting_days,
        }
    if starts_on < today - LATEST_BACKDATING:
        errors["starts_on"] = _("A posting can be recorded at most 30 days after it went up.")
    if starts_on > today:
        errors["starts_on"] = _("Record the posting once it is on the notice board.")
    if errors:
        raise ValidationError(errors)
    applications = (
        visible_to(officer, Application)
        .select_related("applicant", "region", "program")
        .in_bulk(application_ids)
    )
    # Putting an application up signs its level (谁签字谁负责): refused, row by row, to an
    # officer who signed another level of it, as the step of that level would be.
    signed_elsewhere = signing_refusals(officer, list(applications.values()), level_rules.signs)
    results, posted = [], []
    for application_id in application_ids:
        application = applications.get(application_id)
        refusal = _refusal(application, program, year, region, level_rules) or (
            signed_elsewhere.get(application_id, "")
        )
        results.append(RowResult(application_id, not refusal, refusal or _("posted")))
        if not refusal:
            posted.append(application)
    if not posted:
        return Opened(None, results)
    job = None
    with transaction.atomic(), audit.deferred():
        posting = Posting.objects.create(
            level=level,
            region=region,
            program=program,
            year=year,
            starts_on=starts_on,
            ends_on=starts_on + datetime.timedelta(days=days - 1),
            place=place,
            contact_phone=contact_phone,
            opened_by=officer,
            opened_at=clock.now(),
        )
        PostingEntry.objects.bulk_create(
            PostingEntry(posting=posting, application=a) for a in posted
        )
        audit.record(
            actor,
            "open_posting",
            posting,
            to_state=posting.status,
            data={"entries": len(posted), "ends_on": posting.ends_on.isoformat()},
        )
        _move_all(posted, level_rules.post, actor, posting)
        notice = _notice_request(posting, posted, level_rules)
        if len(posted) > settings.CASEWORK_INLINE_NOTICE_ROWS:
            job = start_batch(officer, str(posting), [notice])
        else:
            posting.document = issuing.issue(notice, actor)
            posting.save(update_fields=["document"])
    return Opened(posting, results, job)


def _refusal(application, program, year, region, level_rules) -> str:
    if application is None:
        return _("Not found, or outside your jurisdiction.")
    if application.program_id != program.pk or application.year != year:
        return _("Another program or year.")
    if not region.contains(application.region_id):
        return _("Outside the region of this posting.")
    if application.status != level_rules.ready:
        return _("Only %(ready)s applications go on this posting; this one is %(status)s.") % {
            "ready": ApplicationStatus(level_rules.ready).label,
            "status": application.get_status_display(),
        }
    return ""


def _notice_request(posting, applications, level_rules) -> issuing.IssueRequest:
    amount = f"{posting.program.standard_on(clock.today()).amount:.2f}"
    return issuing.IssueRequest(
        kind=DocumentKind.POSTING_NOTICE,
        office=issuing.office_for(posting.region_id),
        region=posting.region,
        title=f"{posting.program.name}对象公示",
        data={
            "level": level_rules.name,
            "round": level_rules.round,
            "program": posting.program.name,
            "year": posting.year,
            "region": posting.region.full_name,
            "starts_on": chinese_date(posting.starts_on),
            "ends_on": chinese_date(posting.ends_on),
            "place": posting.place,
            "phones": [posting.contact_phone],
            "report_lines": [dataclasses.asdict(line) for line in report_lines(posting)],
            "entries": [
                {
                    "name": a.applicant.name,
                    "sex": a.applicant.get_sex_display(),
                    "id_number": a.applicant.masked_id_number,
                    "village": a.region.name,
                    "amount": amount,
                }
                for a in applications
            ],
        },
        public_summary=[
            ("公示", f"{posting.region.name}{level_rules.round}"),
            ("公示期", f"{chinese_date(posting.starts_on)}至{chinese_date(posting.ends_on)}"),
            ("人数", str(len(applications))),
        ],
        subject=posting,
    )


def record_objection(actor: Actor, objection: Objection) -> Objection:
    """Record an objection to a posted entry while its posting is up."""
    entry = objection.entry
    if not rules.may_post(actor.officer, entry.posting.level, entry.posting.region_id):
        raise PermissionDenied(_("Your role may not do this here."))
    if objection.received_on and objection.received_on > clock.today():
        raise ValidationError({"received_on": _("The date received cannot be in the future.")})
    if not objection.content.strip():
        raise ValidationError({"content": _("Write what the objection says.")})
    with transaction.atomic():
        # Locked, so an objection and the closing of its posting never cross.
        posting = Posting.objects.select_for_update().get(pk=entry.posting_id)
        if posting.status != PostingStatus.OPEN:
            raise ValidationError(
                _("The posting is closed; objections are recorded while it is up.")
            )
        objection.recorded_by, objection.recorded_at = actor.officer, clock.now()
        objection.save()
        audit.record(
            actor,
            "record_objection",
            objection,
            to_state=objection.status,
            data={"entry": entry.pk},
        )
    return objection


def _resolve(objection, actor, data, *, upheld: bool):
    with transaction.atomic():
        at = clock.now()
        if not upheld:
            return move(
                objection,
                "dismiss",
                actor,
                opinion=data["opinion"],
                resolution=data["opinion"],
                at=at,
            )
        current = move(
            objection, "uphold", actor, opinion=data["opinion"], resolution=data["opinion"], at=at
        )
        application = current.entry.application
        if data.get("outcome") == "reject":
            rejected = move(
                application, "reject", actor, opinion=data["opinion"], reason=data["opinion"]
            )
            issue_not_confirmed(rejected, actor, data["opinion"])
        else:
            move(application, "send_back", actor, opinion=data["opinion"], reason=data["opinion"])
        return current


def _uphold(objection, actor, data):
    return _resolve(objection, actor, data, upheld=True)


def _dismiss(objection, actor, data):
    return _resolve(objection, actor, data, upheld=False)


def _close(posting, actor, data):
    if clock.today() <= posting.ends_on:
        raise ValidationError(
            _("The posting runs until %(ends_on)s; it closes only after that day.")
            % {"ends_on": posting.ends_on}
        )
    # The entries of the posting and of every application it moves are appended together.
    with transaction.atomic(), audit.deferred():
        Posting.objects.select_for_update().get(pk=posting.pk)
        if Objection.objects.filter(entry__posting=posting, status=ObjectionStatus.OPEN).exists():
            raise ValidationError(_("An objection is still under investigation; resolve it first."))
        current = move(posting, "close", actor, opinion=data.get("opinion", ""), at=clock.now())
        level_rules = LEVELS[current.level]
        still_posted = Application.objects.filter(
            posting_entries__posting=current, status=level_rules.posted
        ).select_related("applicant", "program")
        _move_all(still_posted, level_rules.passes, actor, current)
    return current


def _move_all(applications, method, actor, posting) -> None:
    """Move every application of a posting together (put up, or passed at its close); one
    that moved on meanwhile refuses the whole posting, as a single move would."""
    _moved, refused = move_many(applications, method, actor, data={"posting": posting.pk})
    if refused:
        raise TransitionConflict()


def close_many(actor: Actor, ids: list[int]) -> list[RowResult]:
    """Close many postings at once (each after its end date, with no objection open), row by
    row."""
    found = visible_to(actor.officer, Posting).select_related("region", "program").in_bulk(ids)
    return perform_many("close", found, ids, actor, {})


# This module's steps and audit actions; workflows/steps.py registers them.
DECLARED = (
    Steps(
        Posting,
        (
            Step(
                "close",
                gettext_lazy("Close the posting"),
                "close",
                _close,
                rules.may_close_posting,
                confirm=gettext_lazy(
                    "Close the posting? Every entry without an upheld objection moves on to the next level."
                ),
            ),
        ),
        labels={"open_posting": gettext_lazy("Posting put up")},
    ),
    # What postings do to their applications, on the applications' timelines.
    Steps(
        Application,
        labels={
            "post_in_village": gettext_lazy("Posted in the village"),
            "post_in_township": gettext_lazy("Posted in the township"),
            "post_in_county": gettext_lazy("Posted in the county"),
            "pass_village_posting": gettext_lazy("Village posting passed"),
            "pass_township_posting": gettext_lazy("Township posting passed"),
            "pass_county_posting": gettext_lazy("County posting passed"),
        },
        # Putting a list up signs the level that posts it.
        signs={
            "post_in_village": Signs("village"),
            "post_in_township": Signs("township"),
            "post_in_county": Signs("county_approval"),
        },
        # The officers of each level put its list up, and close it once its days have run
        # (waiting for a posting's end date is never overdue).
        waits=(
            Wait(
                "post_in_village", gettext_lazy("Post the village list"), rules.may_work_at_village
            ),
            Wait(
                "pass_village_posting",
                gettext_lazy("Close the village posting"),
                rules.may_work_at_village,
                flagged=False,
            ),
            Wait(
                "post_in_township",
                gettext_lazy("Post the township list"),
                rules.may_check_at_township,
            ),
            Wait(
                "pass_township_posting",
                gettext_lazy("Close the township posting"),
                rules.may_check_at_township,
                flagged=False,
            ),
            Wait(
                "post_in_county", gettext_lazy("Post the county list"), rules.may_approve_at_county
            ),
            Wait(
                "pass_county_posting",
                gettext_lazy("Close the county posting"),
                rules.may_approve_at_county,
                flagged=False,
            ),
        ),
    ),
    Steps(
        Objection,
        (
            Step(
                "uphold",
                gettext_lazy("Uphold"),
                "uphold",
                _uphold,
                rules.may_handle_objection,
                form=UpholdForm,
            ),
            Step(
                "dismiss",
                gettext_lazy("Dismiss"),
                "dismiss",
                _dismiss,
                rules.may_handle_objection,
                form=DismissForm,
            ),
        ),
        labels={"record_objection": gettext_lazy("Objection recorded")},
    ),
)
