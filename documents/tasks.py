"""Background issuing: a batch of documents (a thousand letters, a long posting) with progress."""

from django.apps import apps
from django.core.files.base import ContentFile
from django_tasks import task

from casework import jobs
from casework.models import Region
from documents import batches, issuing
from documents.kinds import spec_of
from documents.models import IssuingOffice
from permissions.audit import Actor
from permissions.scoping import with_region

JOB_KIND = "documents"
# Long documents (posting notices: up to thousands of names, rendered one at a time) wait in a
# queue of their own (settings.CASEWORK_TASK_QUEUES): a county's notices never hold up a batch
# of letters, and one worker on this queue never renders two notices of one office side by side
# (the later one would be numbered and rendered again: documents/batches.py).
LONG_DOCUMENTS_QUEUE = "long-documents"


def to_json(request: issuing.IssueRequest) -> dict:
    """An issue request as plain JSON, to travel through the task queue."""
    subject = request.subject
    return {
        "kind": request.kind,
        "office": request.office.pk,
        "region": request.region.pk,
        "title": request.title,
        "data": request.data,
        "public_summary": [list(pair) for pair in request.public_summary],
        "signers": [signer.as_dict() for signer in request.signers],
        "subject": [subject._meta.label, subject.pk] if subject is not None else None,
    }


def from_json(values: dict, offices: dict, regions: dict, subjects: dict) -> issuing.IssueRequest:
    """The request :func:`to_json` wrote, its office, region and subject looked up in what the
    task read at once (``subjects`` by model label, then primary key)."""
    subject = None
    if values["subject"]:
        label, pk = values["subject"]
        subject = subjects[label][pk]
    return issuing.IssueRequest(
        kind=values["kind"],
        office=offices[values["office"]],
        region=regions[values["region"]],
        title=values["title"],
        data=values["data"],
        public_summary=[tuple(pair) for pair in values["public_summary"]],
        signers=[issuing.Signer(**signer) for signer in values["signers"]],
        subject=subject,
    )


def _subjects(requests: list[dict]) -> dict[str, dict]:
    """The requests' subjects, one query per model (a batch is thousands of letters)."""
    keys: dict[str, set] = {}
    for values in requests:
        if values["subject"]:
            label, pk = values["subject"]
            keys.setdefault(label, set()).add(pk)
    return {
        label: with_region(apps.get_model(label)._default_manager.all()).in_bulk(pks)
        for label, pks in keys.items()
    }


def start_batch(officer, title: str, requests: list[issuing.IssueRequest]):
    """Queue ``requests`` for issuing in the background; returns the Job to follow.

    Each request is checked when its turn comes, so one bad request is reported on its row
    and never holds back the others. A batch with a long document goes to the long documents'
    queue.
    """
    long = any(spec_of(request.kind).long for request in requests)
    return jobs.start_job(
        officer,
        JOB_KIND,
        title,
        issue_documents.using(queue_name=LONG_DOCUMENTS_QUEUE) if long else issue_documents,
        total=len(requests),
        requests=[to_json(request) for request in requests],
    )


@task()
def issue_documents(job_id: str, requests: list[dict]) -> None:
    with jobs.running(job_id) as job:
        offices = IssuingOffice.objects.in_bulk({values["office"] for values in requests})
        regions = Region.objects.in_bulk({values["region"] for values in requests})
        subjects = _subjects(requests)
        issue_for_job(job, (from_json(values, offices, regions, subjects) for values in requests))


def issue_for_job(job, requests) -> None:
    """Issue ``requests`` as ``job``'s work: its progress as chunks are registered, the
    numbers issued and the refused rows in its result, the print file as its output."""
    documents, refused, merged = batches.issue_batch(
        requests, Actor(job.started_by), progress=job.advance
    )
    job.result = {
        "documents": [document.pk for document in documents],
        "numbers": [document.number for document in documents],
        "refused": refused,
    }
    if merged is not None:
        job.output.save("print.pdf", ContentFile(merged), save=False)
