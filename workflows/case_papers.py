"""The signed papers of a two-illegal case: every one is issued by the county health
commission (卫生健康委) of the case's county, with its enquiry phone, and its public summary
names the case and the kind of paper only, never a party or the informant."""

from casework.region_codes import COUNTY, region_code_at
from documents import issuing


def office_of(case):
    """The office that issues the case's papers: the commission of its county."""
    return issuing.office_for(region_code_at(case.region_id, COUNTY))


def issue_case_document(case, kind, title: str, data: dict, actor):
    """Issue one signed paper of ``case`` (in the caller's transaction), with the office's
    enquiry phone as ``contact``."""
    office = office_of(case)
    return issuing.issue(
        issuing.IssueRequest(
            kind=kind,
            office=office,
            region=case.region,
            title=title,
            data={**data, "contact": office.phone},
            public_summary=[("案号", case.number), ("文书", title)],
            subject=case,
        ),
        actor,
    )
