"""The columns of each list page: the header the page's table shows and the value its workbook
export (``?format=xlsx`` on the page) writes for a row, defined once so the two never differ.

The template still draws each cell (links, badges, phone labels); a column's ``value`` is the
same fact as a workbook cell: ID numbers masked as on the page, money as a number of yuan,
dates as dates. Values read only what the list's queryset selects, so an export of any length
costs the same few queries.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Column:
    """One column of a list: its header label and the workbook value of a row's cell."""

    label: str
    value: Callable[[Any], Any]


def header(columns: Iterable[Column]) -> list[str]:
    """The header row: each column's label in the active language."""
    return [str(column.label) for column in columns]


def cells(columns: Iterable[Column], row) -> list:
    """One row's workbook cells."""
    return [column.value(row) for column in columns]


def local_date(moment: datetime.datetime | None) -> datetime.date | str:
    """The local day of a stored moment (the day the page prints); empty when unset."""
    return timezone.localdate(moment) if moment else ""


def local_minute(moment: datetime.datetime | None) -> datetime.datetime | str:
    """A stored moment as local time to the minute, without a zone (a workbook cell keeps
    none); empty when unset."""
    if not moment:
        return ""
    return timezone.localtime(moment).replace(second=0, microsecond=0, tzinfo=None)


def _period(start: datetime.date, end: datetime.date) -> str:
    # One cell as on the page: a span of two days reads as one fact.
    return f"{start:%Y-%m-%d} — {end:%Y-%m-%d}"


def _name_and_date(person) -> str:
    return f"{person.name}（{person.birth_date:%Y-%m-%d}）" if person else ""


def _record(person) -> str:
    return f"{person.masked_id_number} {person.region.name}"


def _notice_kind(notice) -> str:
    kind = notice.get_kind_display()
    return f"{kind}：{notice.get_topic_display()}" if notice.topic else kind


def _notice_message(notice) -> str:
    if not notice.reply:
        return notice.message
    return f"{notice.message} {gettext('Reply')}：{notice.reply}"


def _notice_status(notice) -> str:
    status = notice.get_status_display()
    return f"{status} {gettext('overdue')}" if notice.overdue() else status


def _batch_program(batch) -> str:
    return (
        f"{batch.program.name} {gettext('follow-up')}" if batch.follows_id else batch.program.name
    )


DOCUMENTS = (
    Column(_("Document number"), lambda d: d.number),
    Column(_("Title"), lambda d: d.title),
    Column(_("Kind"), lambda d: d.get_kind_display()),
    Column(_("Issuing office"), lambda d: d.office.name),
    Column(_("Issued at"), lambda d: local_minute(d.issued_at)),
    Column(_("Status"), lambda d: d.get_status_display()),
)

# The inbox's applications waiting for the officer, oldest first.
WAITING = (
    Column(_("Applicant"), lambda a: a.applicant.name),
    Column(_("Village"), lambda a: a.region.name),
    Column(_("Program"), lambda a: a.program.name),
    Column(_("Waiting at"), lambda a: a.get_status_display()),
    Column(_("Since"), lambda a: local_date(a.status_changed_at)),
)

APPLICATIONS = (
    Column(_("Applicant"), lambda a: a.applicant.name),
    Column(_("ID number"), lambda a: a.applicant.masked_id_number),
    Column(_("Program"), lambda a: a.program.name),
    Column(_("Year"), lambda a: a.year),
    Column(_("Village"), lambda a: a.region.name),
    Column(_("Status"), lambda a: a.get_status_display()),
)

PERSONS = (
    Column(_("Name"), lambda p: p.name),
    Column(_("ID number"), lambda p: p.masked_id_number),
    Column(_("Sex"), lambda p: p.get_sex_display()),
    Column(_("Birth date"), lambda p: p.birth_date),
    Column(_("Village"), lambda p: p.region.name),
    Column(_("Household"), lambda p: p.household.number if p.household_id else ""),
    Column(_("Household registration"), lambda p: p.get_hukou_display()),
)

CASES = (
    Column(_("Case"), str),
    Column(_("Where"), lambda c: c.region.name),
    Column(_("Source"), lambda c: c.get_source_display()),
    Column(_("Received on"), lambda c: c.received_on),
    # The page shortens the subject to fit; the workbook keeps it whole.
    Column(_("Concerning"), lambda c: c.subject),
    Column(_("Status"), lambda c: c.get_status_display()),
)

CERTIFICATES = (
    Column(_("Holder"), lambda c: c.holder_name),
    Column(_("ID number"), lambda c: c.masked_holder_id_number),
    Column(_("Kind"), lambda c: c.get_kind_display()),
    Column(_("Status"), lambda c: c.get_status_display()),
    Column(_("Issuing township"), lambda c: c.region.name),
    Column(_("Valid until"), lambda c: c.valid_until or ""),
    Column(_("Document number"), lambda c: c.document.number if c.document_id else ""),
)

NOTICES = (
    Column(_("Kind"), _notice_kind),
    Column(
        _("Holder"),
        lambda n: f"{n.certificate.masked_holder_name} {n.certificate.masked_holder_id_number}",
    ),
    Column(_("From"), lambda n: n.from_region.name),
    Column(_("To"), lambda n: n.to_region.name),
    Column(_("Message"), _notice_message),
    Column(_("Sent at"), lambda n: local_date(n.sent_at)),
    Column(_("Status"), _notice_status),
)

POSTINGS = (
    Column(_("Posted in"), lambda p: p.region.name),
    Column(_("Level"), lambda p: p.get_level_display()),
    Column(_("Program"), lambda p: f"{p.program.name} {p.year}"),
    Column(_("Period"), lambda p: _period(p.starts_on, p.ends_on)),
    Column(_("Status"), lambda p: p.get_status_display()),
)

PAYMENT_BATCHES = (
    Column(_("Program"), _batch_program),
    Column(_("County"), lambda b: b.region.name),
    Column(_("Period"), lambda b: _period(b.period_start, b.period_end)),
    Column(_("Number of payments"), lambda b: b.payment_count),
    Column(_("Total (yuan)"), lambda b: b.total),
    Column(_("Status"), lambda b: b.get_status_display()),
)

CHANGE_REQUESTS = (
    Column(_("Recipient"), lambda c: c.application.applicant.name),
    Column(_("ID number"), lambda c: c.application.applicant.masked_id_number),
    Column(_("Program"), lambda c: c.application.program.name),
    Column(_("Kind of change"), lambda c: c.get_kind_display()),
    Column(_("Effective from"), lambda c: c.effective_from),
    Column(_("Village"), lambda c: c.region.name),
    Column(_("Status"), lambda c: c.get_status_display()),
    Column(_("Requested by"), lambda c: f"{c.requested_by} {local_date(c.requested_at)}"),
)

DUPLICATES = (
    Column(_("Name"), lambda s: s.person_a.name),
    Column(_("Birth date"), lambda s: s.person_a.birth_date),
    Column(_("Spouse"), lambda s: _name_and_date(s.application_a.spouse)),
    Column(_("First record"), lambda s: _record(s.person_a)),
    Column(_("Second record"), lambda s: _record(s.person_b)),
    Column(_("Found on"), lambda s: local_date(s.found_at)),
    Column(_("Status"), lambda s: s.get_status_display()),
)

IMPORTS = (
    Column(_("File"), lambda i: i.file_name),
    Column(_("Kind"), lambda i: i.get_kind_display()),
    Column(_("Rows"), lambda i: i.rows),
    Column(_("Valid rows"), lambda i: i.valid_rows),
    Column(_("Imported rows"), lambda i: i.imported_rows),
    Column(_("Status"), lambda i: i.get_status_display()),
    Column(_("Uploaded by"), lambda i: str(i.imported_by)),
    Column(_("Uploaded at"), lambda i: local_minute(i.created_at)),
)

REGIONS = (
    Column(_("Code"), lambda r: r.code),
    Column(_("Region"), lambda r: r.name),
    Column(_("Level"), lambda r: r.get_level_display()),
    Column(_("Report phone"), lambda r: r.report_phone),
)
OFFICERS = (
    Column(_("Username"), lambda o: o.username),
    Column(_("Name"), lambda o: o.full_name),
    Column(_("Roles"), lambda o: "、".join(str(role.label) for role in o.roles)),
    Column(_("Jurisdiction"), lambda o: o.jurisdiction.name if o.jurisdiction_id else ""),
    Column(_("Status"), lambda o: gettext("active") if o.is_active else gettext("inactive")),
)
