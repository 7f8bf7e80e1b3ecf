"""The Casework domain models."""

from casework.models.applications import (
    Application,
    ApplicationFact,
    ApplicationStatus,
    Appraisal,
    AppraisalEntry,
    AppraisalOpinion,
    FactSource,
    HouseholdVisit,
)
from casework.models.certificates import (
    CertificateAttachment,
    CertificateKind,
    CertificateNotice,
    CertificateStatus,
    FeedbackTopic,
    MaritalStatus,
    MigrantCertificate,
    NoticeKind,
    NoticeStatus,
)
from casework.models.jobs import Job, JobStatus
from casework.models.people import Household, Hukou, Person, Sex
from casework.models.postings import (
    Objection,
    ObjectionChannel,
    ObjectionStatus,
    Posting,
    PostingEntry,
    PostingLevel,
    PostingStatus,
)
from casework.models.programs import Eligibility, Period, Program, ProgramKind, ProgramStandard
from casework.models.regions import Region, RegionLevel

__all__ = [
    "Application",
    "ApplicationFact",
    "ApplicationStatus",
    "Appraisal",
    "AppraisalEntry",
    "AppraisalOpinion",
    "FactSource",
    "HouseholdVisit",
    "CertificateAttachment",
    "CertificateKind",
    "CertificateNotice",
    "CertificateStatus",
    "Eligibility",
    "FeedbackTopic",
    "Household",
    "Hukou",
    "Job",
    "JobStatus",
    "MaritalStatus",
    "MigrantCertificate",
    "NoticeKind",
    "NoticeStatus",
    "Objection",
    "ObjectionChannel",
    "ObjectionStatus",
    "Period",
    "Person",
    "Posting",
    "PostingEntry",
    "PostingLevel",
    "PostingStatus",
    "Program",
    "ProgramKind",
    "ProgramStandard",
    "Region",
    "RegionLevel",
    "Sex",
]
