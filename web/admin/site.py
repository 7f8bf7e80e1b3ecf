"""The Django admin, for technical operators (superusers) only, behind the throttled login,
with every change in it written to the audit chain.

The admin neither scopes lists by jurisdiction nor knows the workflows' rules, so it is closed
to everyone but superusers (DESIGN §6: "the same scoping and audit, or superusers only");
office administrators manage officers on the officers' pages, which do both. Superusers are
still accountable: every add, change and delete made here is audited like any other change.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import router, transaction

from permissions import audit
from permissions.audit import Actor
from web.forms.officers import OperatorLoginForm

ADMIN_ADD = "admin_add"
ADMIN_CHANGE = "admin_change"
ADMIN_DELETE = "admin_delete"


def record_admin_change(request, action: str, obj, fields=None) -> None:
    """Append the audit entry of one admin change to ``obj`` by the request's officer.

    Only the names of the changed fields are kept, never their values: a password hash or a
    full ID number has no place in the append-only chain."""
    data = {"fields": sorted(fields)} if fields is not None else {}
    audit.record(Actor.from_request(request), action, obj, data=data)


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose adds, changes and deletes (its inlines' too) each append an audit
    entry in the transaction of the change itself."""

    def _atomic(self):
        return transaction.atomic(using=router.db_for_write(self.model))

    def save_model(self, request, obj, form, change):
        """Save the object and record it with the names of the fields the form changed."""
        with self._atomic():
            super().save_model(request, obj, form, change)
            action = ADMIN_CHANGE if change else ADMIN_ADD
            record_admin_change(request, action, obj, form.changed_data)

    def save_formset(self, request, form, formset, change):
        """Save an inline formset and record each row it added, changed or deleted."""
        with self._atomic():
            # A deleted row loses its primary key once deleted: record it while it has one.
            for inline_form in formset.initial_forms:
                if inline_form in formset.deleted_forms and inline_form.instance.pk is not None:
                    record_admin_change(request, ADMIN_DELETE, inline_form.instance)
            super().save_formset(request, form, formset, change)
            changed_by_row = {id(row.instance): row.changed_data for row in formset.forms}
            for obj in formset.new_objects:
                record_admin_change(request, ADMIN_ADD, obj, changed_by_row.get(id(obj), []))
            for obj, fields in formset.changed_objects:
                record_admin_change(request, ADMIN_CHANGE, obj, fields)

    def delete_model(self, request, obj):
        """Record the object, then delete it (it has no primary key afterwards)."""
        with self._atomic():
            record_admin_change(request, ADMIN_DELETE, obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        """Record every selected object with one lock on the chain, then delete them."""
        with self._atomic():
            changes = [audit.Change(action=ADMIN_DELETE, obj=obj) for obj in queryset]
            audit.record_many(Actor.from_request(request), changes)
            super().delete_queryset(request, queryset)


class OperatorAdminSite(admin.AdminSite):
    """The admin site: superusers only, the throttled login, audited ModelAdmins only."""

    login_form = OperatorLoginForm

    def has_permission(self, request):
        """Active superusers only; a staff officer who is not one gets the login page."""
        return request.user.is_active and request.user.is_superuser

    def register(self, model_or_iterable, admin_class=None, **options):
        """Register like ``AdminSite.register``, refusing a ModelAdmin that would not audit."""
        admin_class = admin_class or AuditedAdmin
        if not issubclass(admin_class, AuditedAdmin):
            raise ImproperlyConfigured(
                f"{admin_class.__name__} must subclass AuditedAdmin to be on the operator site."
            )
        super().register(model_or_iterable, admin_class, **options)

    def password_change(self, request, extra_context=None):
        """The operator's own password change, recorded in its transaction when it happens."""
        with transaction.atomic(using=router.db_for_write(get_user_model())):
            before = request.user.password
            response = super().password_change(request, extra_context)
            if request.user.password != before:
                record_admin_change(request, ADMIN_CHANGE, request.user, ["password"])
        return response


# Named "admin" so the admin:… URL names that pages and ModelAdmins reverse stay the same.
operator_site = OperatorAdminSite(name="admin")
