"""Pages for logging in and for administrators managing officers."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from casework.filters import filter_region_subtree
from permissions import officers, rules
from permissions.audit import Actor
from permissions.models import Officer
from permissions.roles import Role
from permissions.scoping import get_visible_or_404, visible_to
from web import list_columns
from web.forms.officers import NewOfficerForm, OfficerForm, ThrottledLoginForm
from web.pages import (
    export_list,
    page_export_url,
    paginate,
    querystring_without_page,
    run_form_action,
    wants_workbook,
)


class LoginView(auth_views.LoginView):
    form_class = ThrottledLoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


def _require_officer_manager(request) -> None:
    if not rules.may_manage_officers(request.user):
        raise PermissionDenied(_("Only administrators manage officers."))


@login_required
def officer_list(request):
    _require_officer_manager(request)
    officers_qs = (
        visible_to(request.user, Officer).select_related("jurisdiction").prefetch_related("groups")
    )
    q = request.GET.get("q", "").strip()
    if q:
        officers_qs = officers_qs.filter(Q(username__icontains=q) | Q(full_name__contains=q))
    role = request.GET.get("role", "")
    if role in Role.values:
        officers_qs = officers_qs.filter(groups__name=role)
    region = request.GET.get("region", "").strip()
    if region:
        officers_qs = filter_region_subtree(officers_qs, "jurisdiction_id", region)
    officers_qs = officers_qs.order_by("username")
    if wants_workbook(request):
        return export_list(_("Officers"), list_columns.OFFICERS, officers_qs)
    return render(
        request,
        "permissions/officer_list.html",
        {
            "export_url": page_export_url(request),
            "columns": list_columns.OFFICERS,
            "page": paginate(request, officers_qs),
            "querystring": querystring_without_page(request),
            "roles": Role.choices,
            "filters": {"q": q, "role": role, "region": region},
        },
    )


@login_required
def officer_create(request):
    _require_officer_manager(request)
    form = NewOfficerForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = {}

        def create():
            created["officer"] = officers.create_officer(
                Actor.from_request(request),
                username=data["username"],
                full_name=data["full_name"],
                password=data["password"],
                jurisdiction=data["jurisdiction"],
                roles=[Role(role) for role in data["roles"]],
            )

        if run_form_action(form, create):
            messages.success(request, _("Officer %(name)s created.") % {"name": created["officer"]})
            return redirect("officer-list")
    return render(request, "permissions/officer_form.html", {"form": form, "creating": True})


@login_required
def officer_edit(request, pk: int):
    _require_officer_manager(request)
    officer = get_visible_or_404(request.user, Officer.objects.prefetch_related("groups"), pk=pk)
    initial = {
        "full_name": officer.full_name,
        "jurisdiction": officer.jurisdiction_id,
        "roles": [role.value for role in officer.roles],
        "is_active": officer.is_active,
    }
    form = OfficerForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def update():
            officers.update_officer(
                Actor.from_request(request),
                officer,
                full_name=data["full_name"],
                jurisdiction=data["jurisdiction"],
                roles=[Role(role) for role in data["roles"]],
                is_active=data["is_active"],
                reason=data["reason"],
            )

        if run_form_action(form, update):
            messages.success(request, _("Officer %(name)s saved.") % {"name": officer})
            return redirect("officer-list")
    return render(request, "permissions/officer_form.html", {"form": form, "officer": officer})
