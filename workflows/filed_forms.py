"""The 审批表 issued again when the city files an application (市级备案), its 审批栏 signed by
every level: the village visit and appraisal, the township check, the county recheck and
approval, the filing itself. Issued by the county's office in the background, a thousand at a
time when the city files a page of applications; the form signed at submission stays valid as
what the family declared.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from casework import clock, jobs
from casework.chunks import chunks
from casework.models import Application, ApplicationFact, Job
from casework.region_codes import region_code_at
from documents import issuing
from documents.models import IssuingOffice
from documents.rendering import chinese_date
from documents.tasks import JOB_KIND, issue_for_job
from permissions.audit import Actor
from permissions.models import AuditEntry
from workflows.applications import (
    FILED_FORM_TITLE,
    approval_form_request,
    form_rows,
    latest_facts,
)


def queue(actor: Actor, ids: list[int]) -> Job:
    """Queue the filed forms of the applications ``ids``, just filed by ``actor``; returns the
    job that issues them (it starts once the filing is committed)."""
    today = clock.today()
    title = _("Approval forms filed on %(day)s") % {"day": chinese_date(today)}
    return jobs.start_job(
        actor.officer, JOB_KIND, title, issue_filed_forms, total=len(ids), application_ids=ids
    )


def form_requests(ids: list[int]) -> list[issuing.IssueRequest]:
    """The filed 审批表 of each application of ``ids``, in that order: its 审批栏 signed by
    every level as the audit log records them (the latest signature of a level, when a step
    was done again after a return)."""
    content_type = ContentType.objects.get_for_model(Application)
    signing_rows = form_rows()
    signatures: dict[str, dict[str, AuditEntry]] = {}
    for chunk in chunks([str(pk) for pk in ids]):
        entries = AuditEntry.objects.filter(
            content_type=content_type,
            object_id__in=chunk,
            action__in=list(signing_rows),
        ).select_related("actor")
        entries = entries.only(
            "object_id",
            "action",
            "at",
            "opinion",
            "actor_name",
            "actor__full_name",
            "actor__username",
        )
        for entry in entries.order_by("seq"):
            signatures.setdefault(entry.object_id, {})[entry.action] = entry
    rows = (
        Application.objects.filter(pk__in=ids)
        .select_related(
            "program",
            "region",
            # Where each person on the form lives: the household, else the village.
            "applicant__household",
            "applicant__region",
            "spouse__household",
            "spouse__region",
        )
        .prefetch_related(
            "program__standards",
            "program__conditions",
            Prefetch("facts", queryset=ApplicationFact.objects.order_by("recorded_at", "id")),
        )
        .in_bulk()
    )
    offices: dict[str, IssuingOffice] = {}
    requests = []
    for pk in ids:
        application = rows[pk]
        signed = signatures.get(str(pk), {})
        # The county approved the application: its office issues the filed form.
        county = region_code_at(application.region_id, "county")
        if county not in offices:
            offices[county] = issuing.office_for(county)
        submitted = signed.get("submit")
        requests.append(
            approval_form_request(
                application,
                [
                    issuing.Signer(
                        step,
                        str(signed[action].actor or signed[action].actor_name),
                        chinese_date(timezone.localdate(signed[action].at)),
                        signed[action].opinion,
                    )
                    for action, step in signing_rows.items()
                    if action in signed
                ],
                title=FILED_FORM_TITLE,
                applied_on=timezone.localdate(
                    submitted.at if submitted else application.created_at
                ),
                facts=latest_facts(application.facts.all()),
                office=offices[county],
            )
        )
    return requests


@task()
def issue_filed_forms(job_id: str, application_ids: list[int]) -> None:
    with jobs.running(job_id) as job:
        issue_for_job(job, form_requests(application_ids))
