"""Regions, households, persons and programs, for technical operators on the audited operator
site (web.admin.site); officers work with them through the pages."""

from django.contrib import admin

from casework.models import (
    Household,
    Person,
    Program,
    ProgramCondition,
    ProgramExclusion,
    ProgramStandard,
    Region,
)
from web.admin.site import AuditedAdmin, operator_site


@admin.register(Region, site=operator_site)
class RegionAdmin(AuditedAdmin):
    list_display = ("code", "name", "level", "parent", "report_phone")
    list_filter = ("level",)
    search_fields = ("code", "name")


@admin.register(Household, site=operator_site)
class HouseholdAdmin(AuditedAdmin):
    list_display = ("number", "region", "address")
    list_select_related = ("region",)
    search_fields = ("number",)


@admin.register(Person, site=operator_site)
class PersonAdmin(AuditedAdmin):
    list_display = ("name", "masked_id_number", "sex", "birth_date", "region", "hukou")
    list_select_related = ("region",)
    search_fields = ("name", "=id_number")
    list_filter = ("hukou", "sex")
    raw_id_fields = ("region", "household")


class ProgramStandardInline(admin.TabularInline):
    """Standards are added, never edited: what was decided under one must not change."""

    model = ProgramStandard
    extra = 0
    fields = (
        "effective_from",
        "amount_fen",
        "period",
        "payment_cycle",
        "min_age",
        "min_mother_age",
    )

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ProgramConditionInline(admin.TabularInline):
    """The conditions a program chose from the catalogue (casework.eligibility)."""

    model = ProgramCondition
    extra = 0
    fields = ("position", "condition", "since", "number")


class ProgramExclusionInline(admin.TabularInline):
    """Programs one person cannot hold together with this one."""

    model = ProgramExclusion
    fk_name = "program"
    extra = 0


@admin.register(Program, site=operator_site)
class ProgramAdmin(AuditedAdmin):
    list_display = ("code", "name", "kind", "posting_days", "active")
    list_filter = ("kind", "active")
    search_fields = ("code", "name")
    inlines = [ProgramConditionInline, ProgramStandardInline, ProgramExclusionInline]

    def has_delete_permission(self, request, obj=None):
        return False
