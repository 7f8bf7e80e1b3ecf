"""Django admin, for technical operators (superusers) only, on the audited operator site;
roles and jurisdictions change through the audited officer pages, so they are read-only here."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from permissions.models import AuditEntry, Officer, PersonGrant
from web.admin.site import ADMIN_CHANGE, AuditedAdmin, operator_site, record_admin_change


@admin.register(Officer, site=operator_site)
class OfficerAdmin(AuditedAdmin, UserAdmin):
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

    def user_change_password(self, request, id, form_url=""):
        """Django's password form for another officer, run in one transaction with its audit
        entry: Django saves the new password outside any transaction and tells no hook."""
        with self._atomic():
            before = self.get_object(request, unquote(id))
            response = super().user_change_password(request, id, form_url)
            after = self.get_object(request, unquote(id)) if before is not None else None
            if after is not None and after.password != before.password:
                record_admin_change(request, ADMIN_CHANGE, after, ["password"])
        return response


class ReadOnlyAdmin(AuditedAdmin):
    """Records that only their own actions may write: shown, never added, changed or deleted."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry, site=operator_site)
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


@admin.register(PersonGrant, site=operator_site)
class PersonGrantAdmin(ReadOnlyAdmin):
    list_display = ("user", "content_object", "granted_by", "granted_at", "expires_at", "reason")
    list_select_related = ("user", "content_object", "granted_by")


# Background jobs' results, for operators looking into a failed job; read-only as shipped
# (the audited subclass only satisfies the site's rule). django_tasks_db registers it on the
# default site, which is no longer served.
@admin.register(DBTaskResult, site=operator_site)
class TaskResultAdmin(AuditedAdmin, DBTaskResultAdmin):
    pass
