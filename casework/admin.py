from django.contrib import admin

from casework.models import Household, Person, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ("number", "region", "address")
    list_select_related = ("region",)
    search_fields = ("number",)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("name", "masked_id_number", "sex", "birth_date", "region", "hukou")
    list_select_related = ("region",)
    search_fields = ("name", "=id_number")
    list_filter = ("hukou", "sex")
    raw_id_fields = ("region", "household")
