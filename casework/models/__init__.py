"""The Casework domain models."""

from casework.models.jobs import Job, JobStatus
from casework.models.people import Household, Hukou, Person, Sex
from casework.models.regions import Region, RegionLevel

__all__ = ["Household", "Hukou", "Job", "JobStatus", "Person", "Region", "RegionLevel", "Sex"]
