"""What an application's steps have left: the facts declared, the postings it stood on, and its
viewflow process with the open task of a waiting one."""

import datetime

from django.utils import timezone
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from casework.models import ApplicationFact, Posting, PostingEntry
from casework.models.postings import PostingLevel, PostingStatus
from demo.scale.applications import CHAIN, POSTED_AT, Plan, S, stage_of
from demo.scale.city import City
from workflows.flows import TERMINAL, ApplicationFlow

# What every applicant declares, and what each program's rules read besides (so that a visit
# finds the family eligible, as the applications made it this far).
DECLARED_FACTS = (("living_children", 1), ("births_outside_policy", 0))
PROGRAM_FACTS = {
    "special-disabled": (("only_child_status", "disabled"), ("further_children", 0)),
    "special-deceased": (("only_child_status", "deceased"), ("further_children", 0)),
    "single-child-reward": (("single_child_certificate", True),),
}

POSTING_COLUMNS = (
    "id",
    "level",
    "region_id",
    "program_id",
    "year",
    "starts_on",
    "ends_on",
    "place",
    "contact_phone",
    "status",
    "opened_by_id",
    "opened_at",
    "closed_at",
)


class Records(City):
    """The facts, postings and processes of each chunk of applications."""

    def _facts(self, plans) -> None:
        self.db.insert_rows(
            ApplicationFact,
            (
                "application_id",
                "code",
                "value",
                "evidence",
                "source",
                "recorded_by_id",
                "recorded_at",
            ),
            (
                (p.id, code, value, "户口簿", "declared", self.clerk.pk, self.now)
                for p in plans
                if p.status != S.DRAFT
                for code, value in DECLARED_FACTS + PROGRAM_FACTS.get(p.program.code, ())
            ),
        )

    def _posting_entries(self, plans) -> None:
        entries, self.new_postings = [], []
        for plan in plans:
            stage = stage_of(plan.status)
            for level, posted in POSTED_AT.items():
                if stage >= CHAIN.index(posted):
                    entries.append((self._posting(level, plan, plan.status == posted), plan.id))
        self.db.insert_rows(Posting, POSTING_COLUMNS, self.new_postings)
        self.db.insert_rows(PostingEntry, ("posting_id", "application_id"), entries)

    def _posting(self, level: str, plan: "Plan", is_open: bool) -> int:
        code = plan.region_id
        region = {
            PostingLevel.VILLAGE: code,
            PostingLevel.TOWNSHIP: code[:9] + "000",
            PostingLevel.COUNTY: code[:6] + "000000",
        }[level]
        key = (level, region, plan.program.pk, plan.year, is_open)
        if key not in self.postings:
            month = {PostingLevel.VILLAGE: 3, PostingLevel.TOWNSHIP: 4, PostingLevel.COUNTY: 5}
            starts = (
                self.today - datetime.timedelta(days=3)
                if is_open
                else datetime.date(plan.year, month[level], 1)
            )
            pk = self.db.take_ids(Posting, 1)
            self.new_postings.append(
                (
                    pk,
                    level,
                    region,
                    plan.program.pk,
                    plan.year,
                    starts,
                    starts + datetime.timedelta(days=7),
                    "村务公开栏",
                    "0790-0000000",
                    PostingStatus.OPEN.value if is_open else PostingStatus.CLOSED.value,
                    self.clerk.pk,
                    timezone.make_aware(datetime.datetime.combine(starts, datetime.time(9))),
                    None if is_open else self.now,
                )
            )
            self.postings[key] = pk
            self.counts["postings"] += 1
        return self.postings[key]

    def _processes(self, plans) -> None:
        """Each submitted application's process, with the open task of a waiting one."""
        followed = [p for p in plans if p.status != S.DRAFT]
        first = self.db.take_ids(Process, len(followed))
        self.db.insert_rows(
            Process,
            (
                "id",
                "flow_class",
                "status",
                "created",
                "finished",
                "artifact_content_type_id",
                "artifact_object_id",
            ),
            (
                (
                    first + n,
                    ApplicationFlow,
                    STATUS.DONE if p.status in TERMINAL else STATUS.NEW,
                    self.now,
                    self.now if p.status in TERMINAL else None,
                    self.content_type.pk,
                    p.id,
                )
                for n, p in enumerate(followed)
            ),
        )
        self.counts["tasks"] += self.db.insert_rows(
            Task,
            ("process_id", "flow_task", "flow_task_type", "status", "created", "token"),
            (
                (
                    first + n,
                    getattr(ApplicationFlow, p.status),
                    "FUNCTION",
                    STATUS.NEW,
                    p.since,
                    "start",
                )
                for n, p in enumerate(followed)
                if p.status not in TERMINAL
            ),
        )
