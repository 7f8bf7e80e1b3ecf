"""The Django admin is no side door: superusers only, the throttled login, every change audited."""

import datetime
import re

import pytest
from django.contrib import admin
from django.contrib.admin.sites import site as default_site
from django.core.exceptions import ImproperlyConfigured
from django.urls import URLPattern, URLResolver, reverse

from casework.factories import HouseholdFactory, PersonFactory, synthetic_id_number
from casework.models import Household, Person, Program, ProgramExclusion
from permissions import audit
from permissions.models import AuditEntry, Officer
from permissions.roles import Role
from tests.conftest import COUNTY, VILLAGE
from web.admin.site import AuditedAdmin, OperatorAdminSite, operator_site

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Operator-set-passphrase-2026"


@pytest.fixture
def staff_administrator(make_officer):
    """An office administrator: staff (the factory sets it for the role), not a superuser."""
    officer = make_officer(Role.ADMINISTRATOR, COUNTY, username="office_admin")
    assert officer.is_staff and not officer.is_superuser
    return officer


@pytest.fixture
def operator(make_officer):
    return make_officer(
        Role.ADMINISTRATOR, COUNTY, username="operator", is_superuser=True, is_staff=True
    )


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/admin/login/")


def _form_data(response) -> dict:
    """What the browser would post back unchanged from an admin change page: the main form,
    and each inline formset with its management form."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    data = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue  # what an empty input or an unticked box sends: nothing
            data[form.add_prefix(name)] = "on" if value is True else value
    return data


def _entries(action, obj):
    return AuditEntry.objects.filter(
        action=action, content_type__model=obj._meta.model_name, object_id=str(obj.pk)
    )


# Who may enter


def test_office_administrator_gets_no_admin_page_and_no_data(client, staff_administrator):
    person = PersonFactory(name="张秀英")
    client.force_login(staff_administrator)
    for url in ("/admin/", "/admin/casework/", "/admin/casework/person/"):
        response = client.get(url)
        assert _is_login_redirect(response), url
        assert person.name not in response.content.decode()
    # Following the redirect shows the login page, not the data.
    page = client.get("/admin/casework/person/", follow=True)
    assert page.status_code == 200 and "张秀英" not in page.content.decode()
    assert "adminform" not in page.context


def test_office_administrator_cannot_change_through_the_admin(client, staff_administrator):
    person = PersonFactory()
    client.force_login(staff_administrator)
    url = reverse("admin:casework_person_change", args=[person.pk])
    response = client.post(url, {"name": "改名", "id_number": person.id_number})
    assert _is_login_redirect(response)
    person.refresh_from_db()
    assert person.name != "改名"
    assert not AuditEntry.objects.filter(action__startswith="admin_").exists()


def test_superuser_sees_the_admin(client, operator):
    PersonFactory(name="李桂兰")
    client.force_login(operator)
    assert client.get("/admin/").status_code == 200
    changelist = client.get("/admin/casework/person/")
    assert changelist.status_code == 200 and "李桂兰" in changelist.content.decode()


def test_inactive_superuser_is_refused(client, operator):
    operator.is_active = False
    operator.save(update_fields=["is_active"])
    client.force_login(operator)
    assert _is_login_redirect(client.get("/admin/"))


def _object_urls():
    """Every admin URL that names one object, with an id put in its place."""
    urls = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and "<" in route:
                urls.append(route)

    walk(operator_site.get_urls(), "/admin/")
    return urls


def test_every_object_url_of_the_admin_refuses_a_non_superuser(
    client, staff_administrator, regions
):
    person = PersonFactory(region=regions[VILLAGE])
    urls = _object_urls()
    # Change, delete, history of every model, the officers' password form, "view on site".
    assert len(urls) >= 3 * len(operator_site._registry) + 2
    assert any("password" in url for url in urls)
    client.force_login(staff_administrator)
    for route in urls:
        url = re.sub(r"<int:content_type_id>", "1", route)
        url = re.sub(r"<[^>]+>", str(person.pk), url)
        for response in (client.get(url), client.post(url, {"post": "yes"})):
            assert _is_login_redirect(response) or response.status_code == 404, url
    assert Person.objects.filter(pk=person.pk).exists()
    assert not AuditEntry.objects.filter(action__startswith="admin_").exists()


# The login


def _admin_login(client, username, password):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password})


def test_superuser_logs_in_at_the_admin_login(client, operator):
    response = _admin_login(client, "operator", "casework-demo")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_right_password_of_a_non_superuser_does_not_open_the_admin(client, staff_administrator):
    response = _admin_login(client, "office_admin", "casework-demo")
    # The same answer as a wrong password, so the page tells no one the password was right.
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert response.context["form"].errors["__all__"] == [
        str(response.context["form"].error_messages["invalid_login"])
    ]


def test_admin_login_locks_out_after_repeated_failures(client, operator, settings):
    failures = max(8, settings.CASEWORK_LOGIN_FAILURE_LIMIT)
    for _ in range(failures):
        assert _admin_login(client, "operator", "wrong").status_code == 200
    response = _admin_login(client, "operator", "casework-demo")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "locked_out" in [e.code for e in response.context["form"].non_field_errors().data]
    assert _is_login_redirect(client.get("/admin/"))
    # One throttle for both doors: the officers' login page is locked for this pair too.
    page_login = client.post(
        reverse("login"), {"username": "operator", "password": "casework-demo"}
    )
    assert page_login.status_code == 200 and "_auth_user_id" not in client.session


# The audit


def test_password_reset_of_another_officer_is_audited_without_the_password(
    client, operator, make_officer
):
    supervisor = make_officer(Role.SUPERVISOR, COUNTY, username="supervisor")
    old_hash = supervisor.password
    client.force_login(operator)
    url = reverse("admin:auth_user_password_change", args=[supervisor.pk])
    response = client.post(
        url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    )
    assert response.status_code == 302
    supervisor.refresh_from_db()
    assert supervisor.password != old_hash and supervisor.check_password(NEW_PASSWORD)

    entry = _entries("admin_change", supervisor).get()
    assert entry.actor == operator
    assert entry.data == {"fields": ["password"]}
    stored = repr(AuditEntry.objects.filter(pk=entry.pk).values().get())
    assert NEW_PASSWORD not in stored and supervisor.password not in stored
    assert audit.verify_chain().intact


def test_refused_password_form_changes_nothing_and_records_nothing(client, operator, make_officer):
    supervisor = make_officer(Role.SUPERVISOR, COUNTY, username="supervisor")
    client.force_login(operator)
    url = reverse("admin:auth_user_password_change", args=[supervisor.pk])
    response = client.post(
        url, {"password1": NEW_PASSWORD, "password2": "different", "usable_password": "true"}
    )
    assert response.status_code == 200
    assert not AuditEntry.objects.filter(action__startswith="admin_").exists()


def test_operators_own_password_change_is_audited(client, operator):
    client.force_login(operator)
    response = client.post(
        reverse("admin:password_change"),
        {
            "old_password": "casework-demo",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert _entries("admin_change", operator).get().data == {"fields": ["password"]}


def test_id_number_change_of_a_person_is_audited_with_the_changed_fields(client, operator, regions):
    person = PersonFactory(region=regions[VILLAGE], birth_date=datetime.date(1970, 3, 8))
    new_number = synthetic_id_number(VILLAGE, datetime.date(1971, 4, 9), 7, male=True)
    client.force_login(operator)
    url = reverse("admin:casework_person_change", args=[person.pk])
    data = _form_data(client.get(url))
    data.update(id_number=new_number, name="王建国")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    person.refresh_from_db()
    assert person.id_number == new_number

    entry = _entries("admin_change", person).get()
    assert entry.actor == operator and entry.role == Role.ADMINISTRATOR.value
    assert entry.data == {"fields": ["id_number", "name"]}
    # Names of fields only: the full ID number, old or new, is not written into the chain.
    assert new_number not in repr(entry.data) and new_number not in entry.object_repr
    assert audit.verify_chain().intact


def test_admin_add_and_delete_are_audited(client, operator, regions):
    client.force_login(operator)
    response = client.post(
        reverse("admin:casework_household_add"),
        {"number": "H-0001", "region": regions[VILLAGE].pk, "address": "东风村1组"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    household = Household.objects.get(number="H-0001")
    assert "number" in _entries("admin_add", household).get().data["fields"]

    url = reverse("admin:casework_household_delete", args=[household.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Household.objects.filter(pk=household.pk).exists()
    assert _entries("admin_delete", household).count() == 1
    assert audit.verify_chain().intact


def test_bulk_delete_from_the_list_is_audited(client, operator, regions):
    households = HouseholdFactory.create_batch(2, region=regions[VILLAGE])
    client.force_login(operator)
    response = client.post(
        reverse("admin:casework_household_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [h.pk for h in households],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not Household.objects.filter(pk__in=[h.pk for h in households]).exists()
    for household in households:
        assert _entries("admin_delete", household).count() == 1
    assert audit.verify_chain().intact


def test_inline_rows_added_and_deleted_are_audited(client, operator):
    program = Program.objects.get(code="rural-reward")
    other = Program.objects.exclude(code=program.code).order_by("code").first()
    ProgramExclusion.objects.filter(program=program, excludes=other).delete()
    client.force_login(operator)
    url = reverse("admin:casework_program_change", args=[program.code])

    page = client.get(url)
    data = _form_data(page)
    prefix = next(
        inline.formset.prefix
        for inline in page.context["inline_admin_formsets"]
        if inline.formset.model is ProgramExclusion
    )
    row = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = row + 1
    data[f"{prefix}-{row}-excludes"] = other.code
    response = client.post(url, data)
    assert response.status_code == 302
    exclusion = ProgramExclusion.objects.get(program=program, excludes=other)
    assert _entries("admin_add", exclusion).get().data == {"fields": ["excludes"]}

    data = _form_data(client.get(url))
    row = next(
        k.split("-")[-2]
        for k, v in data.items()
        if k.startswith(prefix) and k.endswith("-id") and str(v) == str(exclusion.pk)
    )
    data[f"{prefix}-{row}-DELETE"] = "on"
    assert client.post(url, data).status_code == 302
    assert not ProgramExclusion.objects.filter(pk=exclusion.pk).exists()
    assert _entries("admin_delete", exclusion).count() == 1
    assert audit.verify_chain().intact


# What is on the site


def test_every_model_admin_on_the_operator_site_audits():
    assert operator_site._registry
    assert all(
        isinstance(model_admin, AuditedAdmin) for model_admin in operator_site._registry.values()
    )


def test_none_of_our_models_is_left_on_the_unserved_default_site():
    ours = {"casework", "permissions", "documents", "workflows"}
    assert not [m for m in default_site._registry if m._meta.app_label in ours]
    assert reverse("admin:index") == "/admin/"


def test_the_operator_site_refuses_a_model_admin_that_would_not_audit():
    site = OperatorAdminSite(name="check")
    with pytest.raises(ImproperlyConfigured):
        site.register(Officer, admin.ModelAdmin)
    site.register(Officer)  # the default ModelAdmin is the audited one
    assert isinstance(site._registry[Officer], AuditedAdmin)
