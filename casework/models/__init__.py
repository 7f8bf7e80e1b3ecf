"""The Casework domain models."""

from casework.models.people import Household, Hukou, Person, Sex
from casework.models.regions import Region, RegionLevel

__all__ = ["Household", "Hukou", "Person", "Region", "RegionLevel", "Sex"]
