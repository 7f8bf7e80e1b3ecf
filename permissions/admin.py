"""Django admin, for administrators only; roles and jurisdictions change through the audited
officer pages, so they are read-only here."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from permissions.models import AuditEntry, Officer, PersonGrant


@admin.register(Officer)
class OfficerAdmin(UserAdmin):
    list_display = ("username", "full_name", "jurisdiction", "is_active", "last_login")
    list_select_related = ("jurisdiction",)
    search_fields = ("username", "full_name")
    readonly_fields = (
        "groups",
        "user_permissions",
        "jurisdiction",
        "is_superuser",
        "is_staff",
        "is_active",
        "last_login",
        "date_joined",
    )
    fieldsets = (
        (None, {"fields": ("username", "password", "full_name", "email")}),
        ("", {"fields": readonly_fields}),
    )

    def has_add_permission(self, request):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that only their own actions may write: shown, never added, changed or deleted."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = (
        "seq",
        "at",
        "actor_name",
        "role",
        "action",
        "object_repr",
        "from_state",
        "to_state",
    )
    list_filter = ("action", "role")
    search_fields = ("object_repr", "actor_name", "object_id")
    date_hierarchy = "at"


@admin.register(PersonGrant)
class PersonGrantAdmin(ReadOnlyAdmin):
    list_display = ("user", "content_object", "granted_by", "granted_at", "expires_at", "reason")
    list_select_related = ("user", "content_object", "granted_by")
