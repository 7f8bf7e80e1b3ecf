"""Technical operators (superusers) edit issuing offices here, audited; the registry is
shown, never edited."""

from django.contrib import admin

from documents.models import Document, IssuingOffice
from web.admin.officers import ReadOnlyAdmin
from web.admin.site import AuditedAdmin, operator_site


@admin.register(IssuingOffice, site=operator_site)
class IssuingOfficeAdmin(AuditedAdmin):
    list_display = ("code", "name", "number_prefix", "region", "active")
    list_select_related = ("region",)
    search_fields = ("code", "name")
    list_filter = ("active",)

    def has_delete_permission(self, request, obj=None):
        # Offices that issued documents must stay; deactivate them instead.
        return False


@admin.register(Document, site=operator_site)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ("number", "title", "kind", "office", "status", "issued_at")
    list_select_related = ("office",)
    list_filter = ("kind", "status")
    search_fields = ("number", "code", "title")
    exclude = ("context",)
